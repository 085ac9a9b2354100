# Reference fits with R's glmnet, for test/core/stats/glmnet-reference.test.ts.
#
# Usage: Rscript test/reference/glmnet-fit.R data=<in.csv> out=<out.json> [key=value ...]
#
# in.csv: a header row, then one row per observation. Column `y` is the 0/1 outcome; optional
# column `w` holds observation weights and optional column `foldid` the cross-validation fold
# (1..K) of each row; every other column is a predictor, in order.
#
# keys (all optional except data and out):
#   alpha=<number>              elastic-net mixing (default 1)
#   lambda=<file>               a file of penalties, one per line, instead of the automatic path
#   nlambda=<n>                 length of the automatic path (default 100)
#   lambda_min_ratio=<number>   end of the automatic path (default glmnet's)
#   standardize=TRUE|FALSE      (default TRUE)
#   intercept=TRUE|FALSE        (default TRUE)
#   cv=TRUE                     also run cv.glmnet with the `foldid` column, binomial deviance:
#                               once as cv.glmnet does by default (each fold fits its own path)
#                               and once with the full-data path's penalties given as `lambda`
#
# out.json: {"version", "lambda", "a0", "beta" (one array per penalty), "dev_ratio", "nulldev",
# "deviance", "df", "npasses", and with cv=TRUE "cv_own" and "cv_shared", each with "lambda",
# "cvm", "cvsd", "lambda_min", "lambda_1se"}. Numbers are written with 17 significant digits.

suppressMessages(library(glmnet))

args <- commandArgs(trailingOnly = TRUE)
opt <- list()
for (a in args) {
  kv <- regmatches(a, regexpr("=", a), invert = TRUE)[[1]]
  if (length(kv) != 2) stop("arguments must be key=value, got: ", a)
  opt[[kv[1]]] <- kv[2]
}
if (is.null(opt$data) || is.null(opt$out)) stop("data=<csv> and out=<json> are required")

d <- read.csv(opt$data, check.names = FALSE)
y <- d$y
w <- if ("w" %in% names(d)) d$w else rep(1, nrow(d))
foldid <- if ("foldid" %in% names(d)) d$foldid else NULL
x <- as.matrix(d[, setdiff(names(d), c("y", "w", "foldid")), drop = FALSE])

fit_args <- list(
  x = x, y = y, weights = w, family = "binomial",
  alpha = if (is.null(opt$alpha)) 1 else as.numeric(opt$alpha),
  standardize = if (is.null(opt$standardize)) TRUE else as.logical(opt$standardize),
  intercept = if (is.null(opt$intercept)) TRUE else as.logical(opt$intercept)
)
if (!is.null(opt$lambda)) fit_args$lambda <- scan(opt$lambda, quiet = TRUE)
if (!is.null(opt$nlambda)) fit_args$nlambda <- as.integer(opt$nlambda)
if (!is.null(opt$lambda_min_ratio)) fit_args$lambda.min.ratio <- as.numeric(opt$lambda_min_ratio)

fit <- do.call(glmnet, fit_args)

num <- function(v) paste0("[", paste(sprintf("%.17g", as.numeric(v)), collapse = ","), "]")
beta <- as.matrix(fit$beta)
parts <- c(
  sprintf('"version":"%s"', as.character(packageVersion("glmnet"))),
  sprintf('"lambda":%s', num(fit$lambda)),
  sprintf('"a0":%s', num(fit$a0)),
  sprintf('"beta":[%s]', paste(apply(beta, 2, num), collapse = ",")),
  sprintf('"dev_ratio":%s', num(fit$dev.ratio)),
  sprintf('"nulldev":%.17g', fit$nulldev),
  sprintf('"deviance":%s', num(deviance(fit))),
  sprintf('"df":%s', num(fit$df)),
  sprintf('"npasses":%d', fit$npasses)
)

if (!is.null(opt$cv) && as.logical(opt$cv)) {
  if (is.null(foldid)) stop("cv=TRUE needs a foldid column")
  cv_json <- function(cv) {
    sprintf(
      '{"lambda":%s,"cvm":%s,"cvsd":%s,"lambda_min":%.17g,"lambda_1se":%.17g}',
      num(cv$lambda), num(cv$cvm), num(cv$cvsd), cv$lambda.min, cv$lambda.1se
    )
  }
  cv_args <- fit_args
  cv_args$foldid <- foldid
  cv_args$type.measure <- "deviance"
  own <- do.call(cv.glmnet, cv_args)
  cv_args$lambda <- fit$lambda
  shared <- do.call(cv.glmnet, cv_args)
  parts <- c(parts, sprintf('"cv_own":%s', cv_json(own)), sprintf('"cv_shared":%s', cv_json(shared)))
}

writeLines(paste0("{", paste(parts, collapse = ","), "}"), opt$out)
