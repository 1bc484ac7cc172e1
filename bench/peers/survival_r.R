# Peer for the survival benchmarks: R survival (coxph.fit, coxph, concordancefit).
#
#   Rscript peers/survival_r.R --data FILE.csv [--reps 3] [--skip-full] [--skip-lowlevel]
#                              [--skip-concordance]
#
# Reads an `osler synth survival` CSV (x0..x{p-1},time,event) with scan() (not timed), then
# times, REPS times each, in this one R process:
#   lowlevel:    coxph.fit(x, Surv(time, event), ..., method = "efron", resid = FALSE,
#                control = coxph.control())      -- the bare Newton-Raphson fitter
#   full:        coxph(Surv(time, event) ~ ., data = df, control = coxph.control(timefix = FALSE))
#                -- the user-level call: model frame, fit, residuals, concordance with its SE
#   concordance: concordancefit(Surv(time, event), risk, reverse = TRUE, timefix = FALSE,
#                std.err = FALSE), risk = the true linear predictor sum_j x_j * BETA_j
# Prints one JSON object on stdout (no jsonlite needed). Single-threaded: run with
# OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1 (the reference BLAS is single-threaded anyway).
suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = TRUE)
arg <- function(name, default = NULL) {
  i <- match(name, args)
  if (is.na(i)) default else args[i + 1]
}
flag <- function(name) name %in% args
path <- arg("--data")
reps <- as.integer(arg("--reps", "3"))

t0 <- proc.time()[["elapsed"]]
header <- strsplit(readLines(path, n = 1), ",")[[1]]
vals <- scan(path, what = double(), sep = ",", skip = 1, quiet = TRUE)
m <- matrix(vals, ncol = length(header), byrow = TRUE, dimnames = list(NULL, header))
rm(vals)
feat <- setdiff(header, c("time", "event"))
x <- m[, feat, drop = FALSE]
y <- Surv(m[, "time"], m[, "event"])
n <- nrow(x); p <- ncol(x)
beta <- ifelse(seq_len(p) <= 10, (-1)^(seq_len(p) - 1) * 2^-(1 + (seq_len(p) - 1) %/% 2), 0)
risk <- rep(0, n)
for (j in seq_len(p)) risk <- risk + x[, j] * beta[j]   # separate multiply and add, as the recipe
load_seconds <- proc.time()[["elapsed"]] - t0

# Wall and CPU (user + system) seconds of each of `reps` calls of f; the last result.
timed <- function(f) {
  wall <- numeric(reps); cpu <- numeric(reps); res <- NULL
  for (r in seq_len(reps)) {
    gc(FALSE)
    a <- proc.time()
    res <- f()
    b <- proc.time()
    wall[r] <- b[["elapsed"]] - a[["elapsed"]]
    cpu[r] <- (b[["user.self"]] - a[["user.self"]]) + (b[["sys.self"]] - a[["sys.self"]])
  }
  list(wall = wall, cpu = cpu, res = res)
}

num <- function(v) {
  s <- ifelse(is.finite(v), formatC(v, digits = 17, format = "g"), "null")
  paste0("[", paste(s, collapse = ", "), "]")
}
named <- function(v, nm) {
  paste0("{", paste(sprintf("\"%s\": %s", nm, formatC(v, digits = 17, format = "g")),
                    collapse = ", "), "}")
}
timing <- function(t) sprintf("{\"fit_seconds\": %s, \"cpu_seconds\": %s, \"median\": %.9g, \"cpu_median\": %.9g}",
                              num(t$wall), num(t$cpu), median(t$wall), median(t$cpu))

out <- c(sprintf("\"peer\": \"R survival\", \"version\": \"%s\", \"r_version\": \"%s\"",
                 as.character(packageVersion("survival")), R.version$version.string),
         sprintf("\"n\": %d, \"p\": %d, \"events\": %d, \"load_seconds\": %.6f", n, p,
                 as.integer(sum(m[, "event"])), load_seconds))

if (!flag("--skip-lowlevel")) {
  t <- timed(function() coxph.fit(x, y, strata = NULL, offset = NULL, init = NULL,
                                  control = coxph.control(), weights = NULL, method = "efron",
                                  rownames = NULL, resid = FALSE))
  out <- c(out, sprintf(paste0("\"lowlevel\": {\"call\": \"coxph.fit(x, Surv(time, event), method='efron', ",
                               "resid=FALSE, control=coxph.control())\", \"timing\": %s, ",
                               "\"coefficients\": %s, \"iter\": %d, \"loglik\": %s}"),
                        timing(t), named(t$res$coefficients, feat), as.integer(t$res$iter),
                        num(t$res$loglik)))
}
if (!flag("--skip-reference")) {
  # Not timed: the same fit iterated to full convergence, to tell which fitter is closer to
  # the exact maximum-likelihood estimate (coxph.control's default eps = 1e-9 stops early).
  ref <- coxph.fit(x, y, strata = NULL, offset = NULL, init = NULL,
                   control = coxph.control(eps = 1e-14, iter.max = 100), weights = NULL,
                   method = "efron", rownames = NULL, resid = FALSE)
  out <- c(out, sprintf(paste0("\"reference\": {\"call\": \"coxph.fit(..., method='efron', ",
                               "control=coxph.control(eps=1e-14, iter.max=100))\", ",
                               "\"coefficients\": %s, \"iter\": %d, \"loglik\": %s}"),
                        named(ref$coefficients, feat), as.integer(ref$iter), num(ref$loglik)))
}
if (!flag("--skip-full")) {
  df <- as.data.frame(m)
  rm(m)
  fml <- as.formula(paste("Surv(time, event) ~", paste(feat, collapse = " + ")))
  t <- timed(function() coxph(fml, data = df, ties = "efron",
                              control = coxph.control(timefix = FALSE)))
  fit <- t$res
  out <- c(out, sprintf(paste0("\"full\": {\"call\": \"coxph(Surv(time, event) ~ x0 + ... + x%d, ",
                               "ties='efron', control=coxph.control(timefix=FALSE))\", \"timing\": %s, ",
                               "\"coefficients\": %s, \"se\": %s, \"iter\": %d, \"loglik\": %s, ",
                               "\"concordance\": %.17g}"),
                        p - 1, timing(t), named(coef(fit), feat),
                        named(sqrt(diag(vcov(fit))), feat), as.integer(fit$iter),
                        num(fit$loglik), fit$concordance[["concordance"]]))
}
if (!flag("--skip-concordance")) {
  t <- timed(function() concordancefit(y, risk, reverse = TRUE, timefix = FALSE, std.err = FALSE))
  k <- t$res$count
  out <- c(out, sprintf(paste0("\"concordance\": {\"call\": \"concordancefit(Surv(time, event), risk, ",
                               "reverse=TRUE, timefix=FALSE, std.err=FALSE)\", \"timing\": %s, ",
                               "\"c\": %.17g, \"concordant\": %.17g, \"discordant\": %.17g, ",
                               "\"tied_x\": %.17g}"),
                        timing(t), t$res$concordance, k[["concordant"]], k[["discordant"]],
                        k[["tied.x"]]))
}
cat("{", paste(out, collapse = ", "), "}\n", sep = "")
