# Peer of crates/osler-models/examples/wide_bench (`--all`): glmnet's cv.glmnet, lasso,
# 10 folds, 100 penalties, on the shipped all-leukemia arrays (12,625 probe sets x 128
# patients), T vs B lineage. Run from the repository root:
#   Rscript bench/peers/wide_glmnet.R
# (needs r-cran-glmnet). Prints the median of 3 timed runs.
dir <- "datasets/all-leukemia"
suppressMessages(library(glmnet))
x <- read.csv(gzfile(file.path(dir, "expression.csv.gz")), check.names = FALSE, row.names = 1)
ph <- read.csv(file.path(dir, "data.csv"), colClasses = c(sample = "character"), check.names = FALSE)
x <- t(as.matrix(x))[ph$sample, ]
y <- as.numeric(substr(ph$BT, 1, 1) == "T")
set.seed(1); foldid <- sample(rep(1:10, length.out = nrow(x)))
times <- c()
for (r in 1:3) {
  t0 <- proc.time()[["elapsed"]]
  cv <- cv.glmnet(x, y, family = "binomial", alpha = 1, nfolds = 10, foldid = foldid)
  times <- c(times, proc.time()[["elapsed"]] - t0)
}
cat(sprintf("glmnet %s cv.glmnet 10-fold lasso: median %.3f s; %d lambdas; lambda.min %.5g; nonzero %d\n",
  packageVersion("glmnet"), median(times), length(cv$lambda), cv$lambda.min,
  sum(coef(cv, s = "lambda.min")[-1] != 0)))
