# Walk-forward forecasts of the reference configuration with R glmnet, as an independent
# baseline: for each origin t, fit on complete cases with year <= t - 2 (outcome known by
# t), choose lambda by 10-fold cross-validation (lambda.min), forecast the rows of year t.
# Usage: Rscript bench/r/walk-forward.R PREDICTORS.csv FROM TO OUT.csv [SEED]
# Prints the wall time of the fits as "seconds: N" and their CPU time (user + system) as
# "cpu: N", each on a line of its own.
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 4) stop("usage: walk-forward.R PREDICTORS.csv FROM TO OUT.csv [SEED]")
data <- read.csv(args[1], check.names = FALSE, stringsAsFactors = FALSE)
from <- as.integer(args[2]); to <- as.integer(args[3]); out <- args[4]
seed <- if (length(args) >= 5) as.integer(args[5]) else 2025L
outcomes <- c("mk_onset_1or2", "mk_onset", "mk_onset_1", "mk_onset_2")
predictors <- setdiff(names(data), c("ewp_name", "ccode", outcomes))
stopifnot(length(predictors) == 39)
rows <- list()
timing <- system.time({
  for (t in from:to) {
    train <- data[data$year <= t - 2, c(predictors, "mk_onset_1or2")]
    train <- train[complete.cases(train), ]
    test <- data[data$year == t, c("ewp_name", "ccode", predictors)]
    test <- test[complete.cases(test[, predictors]), ]
    if (nrow(test) == 0) next
    set.seed(seed + t)
    fit <- cv.glmnet(as.matrix(train[, predictors]), train$mk_onset_1or2,
                     family = "binomial", alpha = 0.5, nfolds = 10)
    risk <- as.numeric(predict(fit, as.matrix(test[, predictors]), s = "lambda.min", type = "response"))
    rows[[length(rows) + 1]] <- data.frame(origin = t, ccode = test$ccode, name = test$ewp_name,
                                           risk = risk, rank = rank(-risk, ties.method = "first"))
  }
})
write.csv(do.call(rbind, rows), out, row.names = FALSE)
cat(sprintf("seconds: %.3f\n", timing[["elapsed"]]))
cat(sprintf("cpu: %.3f\n", timing[["user.self"]] + timing[["sys.self"]]))
