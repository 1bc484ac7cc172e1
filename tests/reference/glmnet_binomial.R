# Reference values for osler's elastic-net logistic regression (glmnet family = "binomial").
#
# Run from the repository root:   Rscript tests/reference/glmnet_binomial.R
# Reads  tests/reference/data/sklearn_breast_cancer.csv (30 features, label `malignant`),
# writes tests/reference/data/glmnet_wide_binomial.csv (synthetic p > n data drawn here with
# set.seed) and tests/reference/golden/glmnet_binomial.json.
#
# Fits glmnet(standardize = TRUE, intercept = TRUE, thresh = 1e-26, maxit = 1e7) on a fixed
# lambda sequence (so glmnet's path stopping rules never apply), and cv.glmnet with a fixed
# foldid (written to the JSON) for type.measure = "deviance" and "class".
suppressPackageStartupMessages(library(glmnet))

num <- function(v) paste0("[", paste(sprintf("%.17g", as.numeric(v)), collapse = ","), "]")
int <- function(v) paste0("[", paste(sprintf("%d", as.integer(v)), collapse = ","), "]")
rows <- function(m) paste0("[", paste(apply(m, 1, num), collapse = ",\n  "), "]")
str <- function(v) paste0("[", paste0('"', v, '"', collapse = ","), "]")

# Largest KKT violation of glmnet's objective at (a0, b), standardised scale, weights 1/n.
kkt <- function(x, y, a0, b, lambda, alpha) {
  n <- nrow(x)
  m <- colMeans(x); s <- sqrt(colMeans(sweep(x, 2, m)^2))
  z <- sweep(sweep(x, 2, m), 2, s, "/")
  p <- plogis(a0 + drop(x %*% b))
  r <- (y - p) / n
  g <- drop(crossprod(z, r)); gs <- b * s
  v <- ifelse(gs != 0, abs(g - lambda * (1 - alpha) * gs - lambda * alpha * sign(gs)),
              pmax(abs(g) - lambda * alpha, 0))
  max(c(abs(sum(r)), v))
}

case <- function(name, x, y, alphas, ratio, nlam, nfolds, seed) {
  n <- nrow(x)
  set.seed(seed)
  foldid <- sample(rep(seq_len(nfolds), length.out = n))
  out <- c()
  for (alpha in alphas) {
    # glmnet's own lambda_max (its first lambda on an automatic path is the extrapolated
    # one, so compute it directly: max |<z_j, y - ybar>| / (n alpha)).
    m <- colMeans(x); s <- sqrt(colMeans(sweep(x, 2, m)^2))
    z <- sweep(sweep(x, 2, m), 2, s, "/")
    lmax <- max(abs(crossprod(z, y - mean(y)))) / n / max(alpha, 1e-3)
    lam <- lmax * ratio^(seq(0, nlam - 1) / (nlam - 1))
    fit <- glmnet(x, y, family = "binomial", alpha = alpha, lambda = lam,
                  standardize = TRUE, thresh = 1e-26, maxit = 1e7)
    beta <- as.matrix(fit$beta)
    k <- sapply(seq_along(lam), function(l) kkt(x, y, fit$a0[l], beta[, l], lam[l], alpha))
    cvd <- cv.glmnet(x, y, family = "binomial", alpha = alpha, lambda = lam, foldid = foldid,
                     type.measure = "deviance", standardize = TRUE, thresh = 1e-26, maxit = 1e7)
    cvc <- cv.glmnet(x, y, family = "binomial", alpha = alpha, lambda = lam, foldid = foldid,
                     type.measure = "class", standardize = TRUE, thresh = 1e-26, maxit = 1e7)
    # Penalties at which some held-out prediction is a tie (|p - 0.5| < 1e-9): there the
    # class prediction is decided by rounding noise, so "class" is compared elsewhere only.
    tied <- rep(FALSE, length(lam))
    for (fo in seq_len(nfolds)) {
      tr <- foldid != fo
      f <- glmnet(x[tr, ], y[tr], family = "binomial", alpha = alpha, lambda = lam,
                  standardize = TRUE, thresh = 1e-26, maxit = 1e7)
      pr <- predict(f, x[!tr, , drop = FALSE], type = "response")
      tied <- tied | apply(abs(pr - 0.5) < 1e-9, 2, any)
    }
    out <- c(out, sprintf(paste0(
      '{"alpha": %s, "lambda": %s,\n "a0": %s,\n "beta": %s,\n "dev_ratio": %s, "nulldev": %s,',
      '\n "glmnet_kkt_max": %s,\n "cv_deviance": {"cvm": %s, "cvsd": %s, "lambda_min": %s, "lambda_1se": %s},',
      '\n "cv_class": {"cvm": %s, "cvsd": %s, "lambda_min": %s, "lambda_1se": %s, "tied": %s}}'),
      sprintf("%.17g", alpha), num(lam), num(fit$a0), rows(t(beta)), num(fit$dev.ratio),
      sprintf("%.17g", fit$nulldev), sprintf("%.17g", max(k)),
      num(cvd$cvm), num(cvd$cvsd), sprintf("%.17g", cvd$lambda.min), sprintf("%.17g", cvd$lambda.1se),
      num(cvc$cvm), num(cvc$cvsd), sprintf("%.17g", cvc$lambda.min), sprintf("%.17g", cvc$lambda.1se),
      paste0("[", paste(ifelse(tied, "true", "false"), collapse = ","), "]")))
  }
  sprintf('"%s": {"n": %d, "p": %d, "foldid": %s,\n "fits": [%s]}', name, n, ncol(x), int(foldid),
          paste(out, collapse = ",\n"))
}

bc <- read.csv("tests/reference/data/sklearn_breast_cancer.csv", check.names = FALSE)
feat <- setdiff(names(bc), c("target", "malignant"))
xb <- as.matrix(bc[, feat]); yb <- bc$malignant
bc_json <- case("breast_cancer", xb, yb, c(0.5, 1), 0.02, 20, 10, 1)

# p > n: 60 rows, 200 features, 5 with signal; values rounded to 6 decimals so that the CSV
# is the exact input.
set.seed(20240602)
n <- 60; p <- 200
xw <- round(matrix(rnorm(n * p), n, p), 6)
yw <- rbinom(n, 1, plogis(drop(xw[, 1:5] %*% c(1.5, -1, 1, -0.8, 0.6))))
colnames(xw) <- sprintf("g%03d", seq_len(p))
write.csv(data.frame(xw, y = yw), "tests/reference/data/glmnet_wide_binomial.csv",
          row.names = FALSE, quote = FALSE)
wide_json <- case("wide", xw, yw, c(0.5, 1), 0.05, 20, 5, 2)

json <- paste0('{"description": "glmnet family=binomial on a fixed lambda sequence, standardize=TRUE, thresh=1e-26; cv.glmnet with the given foldid (1-based)",\n',
  '"produced_by": "', R.version.string, ', glmnet ', as.character(packageVersion("glmnet")), '",\n',
  '"generator_script": "tests/reference/glmnet_binomial.R",\n',
  '"breast_cancer_features": ', str(feat), ', "breast_cancer_label": "malignant",\n',
  bc_json, ",\n", wide_json, "}\n")
writeLines(json, "tests/reference/golden/glmnet_binomial.json")
cat("wrote tests/reference/golden/glmnet_binomial.json\n")
