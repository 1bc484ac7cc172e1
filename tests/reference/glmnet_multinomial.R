# Reference values for osler's multinomial elastic net (glmnet family = "multinomial",
# type.multinomial = "ungrouped").
#
# Run from the repository root:   Rscript tests/reference/glmnet_multinomial.R
# Writes tests/reference/data/r_iris.csv (R's built-in `iris` data, public domain; class codes
# 0 = setosa, 1 = versicolor, 2 = virginica) and tests/reference/golden/glmnet_multinomial.json.
#
# glmnet(standardize = TRUE, intercept = TRUE, thresh = 1e-26, maxit = 1e7) on a fixed lambda
# sequence (no path stopping rules), and cv.glmnet with a fixed foldid (in the JSON) for
# type.measure = "deviance" and "class". The smallest lambda keeps every fitted probability
# above glmnet's clamp pmin = 1e-5 (checked below), so the clamp never alters the optimum.
suppressPackageStartupMessages(library(glmnet))

num <- function(v) paste0("[", paste(sprintf("%.17g", as.numeric(v)), collapse = ","), "]")
int <- function(v) paste0("[", paste(sprintf("%d", as.integer(v)), collapse = ","), "]")
rows <- function(m) paste0("[", paste(apply(m, 1, num), collapse = ",\n  "), "]")

# Largest KKT violation at the glmnet solution (standardised scale, weights 1/n).
kkt <- function(x, y, a0, b, lambda, alpha) {
  n <- nrow(x); K <- ncol(b)
  m <- colMeans(x); s <- sqrt(colMeans(sweep(x, 2, m)^2))
  z <- sweep(sweep(x, 2, m), 2, s, "/")
  eta <- sweep(x %*% b, 2, a0, "+")
  pr <- exp(eta - apply(eta, 1, max)); pr <- pr / rowSums(pr)
  Y <- diag(K)[y + 1, ]
  r <- (Y - pr) / n
  worst <- max(abs(colSums(r)))
  for (k in seq_len(K)) {
    g <- drop(crossprod(z, r[, k])); gs <- b[, k] * s
    v <- ifelse(gs != 0, abs(g - lambda * (1 - alpha) * gs - lambda * alpha * sign(gs)),
                pmax(abs(g) - lambda * alpha, 0))
    worst <- max(worst, v)
  }
  c(worst, min(pr))
}

x <- as.matrix(iris[, 1:4]); y <- as.integer(iris$Species) - 1L
write.csv(data.frame(x, class = y), "tests/reference/data/r_iris.csv", row.names = FALSE,
          quote = FALSE)
n <- nrow(x)
set.seed(3)
foldid <- sample(rep(1:5, length.out = n))
fits <- c()
for (alpha in c(0.5, 1)) {
  m <- colMeans(x); s <- sqrt(colMeans(sweep(x, 2, m)^2))
  z <- sweep(sweep(x, 2, m), 2, s, "/")
  Y <- diag(3)[y + 1, ]
  lmax <- max(abs(crossprod(z, sweep(Y, 2, colMeans(Y))))) / n / max(alpha, 1e-3)
  lam <- lmax * (if (alpha == 1) 0.1 else 0.04)^(seq(0, 19) / 19)
  fit <- glmnet(x, y, family = "multinomial", type.multinomial = "ungrouped", alpha = alpha,
                lambda = lam, standardize = TRUE, thresh = 1e-26, maxit = 1e7)
  k <- sapply(seq_along(lam), function(l) {
    b <- sapply(fit$beta, function(bk) as.numeric(bk[, l]))
    kkt(x, y, fit$a0[, l], b, lam[l], alpha)
  })
  stopifnot(min(k[2, ]) > 1e-5)
  cf <- lapply(seq_len(3), function(c) t(as.matrix(fit$beta[[c]])))
  cvd <- cv.glmnet(x, y, family = "multinomial", type.multinomial = "ungrouped", alpha = alpha,
                   lambda = lam, foldid = foldid, type.measure = "deviance", thresh = 1e-26,
                   maxit = 1e7)
  cvc <- cv.glmnet(x, y, family = "multinomial", type.multinomial = "ungrouped", alpha = alpha,
                   lambda = lam, foldid = foldid, type.measure = "class", thresh = 1e-26,
                   maxit = 1e7)
  # Penalties at which some held-out prediction has its top two class probabilities within
  # 1e-9: there the predicted class is decided by rounding noise.
  tied <- rep(FALSE, length(lam))
  for (f in 1:5) {
    tr <- foldid != f
    ff <- glmnet(x[tr, ], y[tr], family = "multinomial", type.multinomial = "ungrouped",
                 alpha = alpha, lambda = lam, thresh = 1e-26, maxit = 1e7)
    pr <- predict(ff, x[!tr, , drop = FALSE], type = "response")
    for (l in seq_along(lam)) {
      top <- t(apply(pr[, , l], 1, sort, decreasing = TRUE))
      tied[l] <- tied[l] || any(top[, 1] - top[, 2] < 1e-9)
    }
  }
  fits <- c(fits, sprintf(paste0(
    '{"alpha": %s, "lambda": %s,\n "a0": %s,\n "beta": [%s],\n "dev_ratio": %s, "nulldev": %s,',
    '\n "glmnet_kkt_max": %s, "min_probability": %s,',
    '\n "cv_deviance": {"cvm": %s, "cvsd": %s, "lambda_min": %s, "lambda_1se": %s},',
    '\n "cv_class": {"cvm": %s, "cvsd": %s, "lambda_min": %s, "lambda_1se": %s, "tied": %s}}'),
    sprintf("%.17g", alpha), num(lam), rows(t(fit$a0)),
    paste(sapply(cf, rows), collapse = ",\n "), num(fit$dev.ratio), sprintf("%.17g", fit$nulldev),
    sprintf("%.17g", max(k[1, ])), sprintf("%.17g", min(k[2, ])),
    num(cvd$cvm), num(cvd$cvsd), sprintf("%.17g", cvd$lambda.min), sprintf("%.17g", cvd$lambda.1se),
    num(cvc$cvm), num(cvc$cvsd), sprintf("%.17g", cvc$lambda.min), sprintf("%.17g", cvc$lambda.1se),
    paste0("[", paste(ifelse(tied, "true", "false"), collapse = ","), "]")))
}
json <- paste0('{"description": "glmnet family=multinomial (ungrouped) on R iris, fixed lambda sequence, standardize=TRUE, thresh=1e-26; a0[l][k], beta[k][l][j]; cv.glmnet with the given foldid (1-based)",\n',
  '"produced_by": "', R.version.string, ', glmnet ', as.character(packageVersion("glmnet")), '",\n',
  '"generator_script": "tests/reference/glmnet_multinomial.R",\n',
  '"data": "tests/reference/data/r_iris.csv", "n": ', n, ', "classes": 3, "foldid": ', int(foldid), ',\n',
  '"fits": [', paste(fits, collapse = ",\n"), "]}\n")
writeLines(json, "tests/reference/golden/glmnet_multinomial.json")
cat("wrote tests/reference/golden/glmnet_multinomial.json\n")
