# Times R glmnet on the data written by bench/glmnet.bench.ts, for comparison with the
# TypeScript implementation. Usage:
#   Rscript bench/glmnet-bench.R data=<in.csv> alpha=<number> reps=<n>
# in.csv: column `y` (0/1 outcome), column `foldid` (1..K), then the predictors.
# Prints one JSON object: for each task the elapsed seconds of every repetition (measured
# inside R with system.time, so R's start-up and the CSV read are not counted).
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
opt <- list()
for (a in args) {
  kv <- regmatches(a, regexpr("=", a), invert = TRUE)[[1]]
  opt[[kv[1]]] <- kv[2]
}
d <- read.csv(opt$data, check.names = FALSE)
y <- d$y
foldid <- d$foldid
x <- as.matrix(d[, setdiff(names(d), c("y", "foldid")), drop = FALSE])
alpha <- as.numeric(opt$alpha)
reps <- as.integer(opt$reps)

time_of <- function(f) sapply(seq_len(reps), function(i) system.time(f())[["elapsed"]])
fit <- glmnet(x, y, family = "binomial", alpha = alpha)
path <- time_of(function() glmnet(x, y, family = "binomial", alpha = alpha))
cv_own <- time_of(function() cv.glmnet(x, y, family = "binomial", alpha = alpha, foldid = foldid))
cv_shared <- time_of(function() {
  full <- glmnet(x, y, family = "binomial", alpha = alpha)
  cv.glmnet(x, y, family = "binomial", alpha = alpha, foldid = foldid, lambda = full$lambda)
})
num <- function(v) paste0("[", paste(sprintf("%.4f", v), collapse = ","), "]")
cat(sprintf(
  '{"version":"%s","path":%s,"cv_own":%s,"cv_shared":%s}\n',
  as.character(packageVersion("glmnet")), num(path), num(cv_own), num(cv_shared)
))
