# Coefficients of the reference configuration fitted by R glmnet, to check `lens forecast fit`
# against: elastic-net logistic regression (alpha 0.5) of mk_onset_1or2 on the 39 EWP
# predictors, complete cases with year <= TRAIN_TO, glmnet's automatic penalty path; the
# coefficients are those at the penalty of the path nearest LAMBDA. (The path is glmnet's own
# rather than a given sequence: started exactly at lambda_max, which predictor enters first is
# decided by the last bits of two sums, and on these data, with year and year_sq nearly
# collinear, glmnet's tolerance leaves the intercept free enough for that to show.)
# Usage: Rscript bench/r/fit.R PREDICTORS.csv TRAIN_TO LAMBDA OUT.csv
# OUT.csv: name,value rows, "lambda" (the penalty used) and "(Intercept)" first, then each
# predictor on its own scale, 17 significant digits.
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 4) stop("usage: fit.R PREDICTORS.csv TRAIN_TO LAMBDA OUT.csv")
data <- read.csv(args[1], check.names = FALSE, stringsAsFactors = FALSE)
train_to <- as.integer(args[2])
lambda <- as.numeric(args[3])
outcomes <- c("mk_onset_1or2", "mk_onset", "mk_onset_1", "mk_onset_2")
predictors <- setdiff(names(data), c("ewp_name", "ccode", outcomes))
stopifnot(length(predictors) == 39)
train <- data[data$year <= train_to, c(predictors, "mk_onset_1or2")]
train <- train[complete.cases(train), ]
fit <- glmnet(as.matrix(train[, predictors]), train$mk_onset_1or2, family = "binomial",
              alpha = 0.5)
k <- which.min(abs(log(fit$lambda) - log(lambda)))
values <- c(fit$lambda[k], fit$a0[k], as.numeric(fit$beta[, k]))
write.csv(data.frame(name = c("lambda", "(Intercept)", predictors), value = sprintf("%.17g", values)),
          args[4], row.names = FALSE, quote = FALSE)
