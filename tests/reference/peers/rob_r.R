# Reference values for the "rob" cases of issue 12 (missing values, monotone
# likelihood, aliased covariates), from R survival. Writes the data sets the
# tests read (rob_*.csv) and R's answers (rob_r.json) next to this script.
# Regenerate: Rscript tests/reference/peers/rob_r.R   (R 4.2.2, survival 3.5.3)
library(survival)
out <- list()
num <- function(x) if (length(x) == 0) "[]" else
  paste0("[", paste(ifelse(is.na(x), "null", sprintf("%.17g", x)), collapse = ", "), "]")
fitinfo <- function(fit) {
  s <- summary(fit)
  list(coef = unname(coef(fit)), se = unname(sqrt(diag(fit$var))),
       loglik = fit$loglik, n = fit$n, nevent = fit$nevent,
       n_deleted = length(fit$na.action), iter = fit$iter,
       logtest = unname(s$logtest[1]), waldtest = unname(fit$wald.test),
       sctest = unname(s$sctest[1]), df = unname(s$logtest[2]))
}
write_csv <- function(d, name) write.csv(d, name, row.names = FALSE, na = "")

# 1. R's lung data with its NAs (tests/r_lung.R fits it under na.omit); z is
#    an exact linear combination (age + 2 sex), aliased as in tests/singtest.R.
lung2 <- lung
lung2$z <- lung2$age + 2 * lung2$sex
write_csv(lung2, "rob_lung.csv")
out$lung_cox <- fitinfo(coxph(Surv(time, status) ~ age + sex + ph.ecog + meal.cal + wt.loss,
                              data = lung, ties = "efron"))
out$lung_cox_breslow <- fitinfo(coxph(Surv(time, status) ~ age + sex + ph.ecog + wt.loss,
                                      data = lung, ties = "breslow"))
out$lung_alias <- fitinfo(coxph(Surv(time, status) ~ age + sex + z, data = lung2))
out$lung_strata <- fitinfo(coxph(Surv(time, status) ~ age + meal.cal + strata(ph.ecog),
                                 data = lung))
km <- survfit(Surv(time, status) ~ 1, data = lung[!is.na(lung$wt.loss), ])
out$lung_km_wtloss <- list(n = km$n, surv = km$surv, time = km$time)
kmg <- survfit(Surv(time, status) ~ ph.ecog, data = lung)
out$lung_km_ecog <- list(n = unname(kmg$n), n_deleted = length(kmg$na.action))
sd <- survdiff(Surv(time, status) ~ ph.ecog, data = lung)
out$lung_logrank_ecog <- list(chisq = sd$chisq, n = unname(as.numeric(sd$n)),
                              observed = unname(sd$obs), expected = unname(sd$exp))

# 2. tests/infcox.R: both covariates separate the events (monotone likelihood).
test3 <- data.frame(futime = 1:12, fustat = c(1,0,1,0,1,0,0,0,0,0,0,0),
                    x1 = rep(0:1, 6), x2 = c(rep(0, 6), rep(1, 6)))
write_csv(test3, "rob_infcox.csv")
fit3 <- suppressWarnings(coxph(Surv(futime, fustat) ~ x1 + x2, test3, iter = 25))
out$infcox <- fitinfo(fit3)
# One separating covariate beside a finite one: ovarian with sep = fustat.
ov <- ovarian[, c("futime", "fustat", "age")]
ov$sep <- ov$fustat
write_csv(ov, "rob_ovarian_sep.csv")
fitov <- suppressWarnings(coxph(Surv(futime, fustat) ~ age + sep, ov))
out$ovarian_sep <- fitinfo(fitov)
# As sep's coefficient runs to infinity only the subjects with sep = 1 stay
# in the risk sets: age's coefficient tends to its fit on the events alone.
out$ovarian_sep_limit <- fitinfo(coxph(Surv(futime, fustat) ~ age, ov[ov$sep == 1, ]))

# 3. tests/singtest.R: (start, stop] data where factor(epoch) is aliased.
test1 <- data.frame(time = c(4, 3, 1, 1, 2, 2, 3), status = c(1, NA, 1, 0, 1, 1, 0),
                    x = c(0, 2, 1, 1, 1, 0, 0))
temp <- rep(0:3, rep(7, 4))
stest <- data.frame(start = 10 * temp, stop = 10 * temp + test1$time,
                    status = rep(test1$status, 4),
                    x = c(test1$x + 1:7, rep(test1$x, 3)), epoch = rep(1:4, rep(7, 4)))
fit1 <- coxph(Surv(start, stop, status) ~ x * factor(epoch), stest)
# The design columns R builds, for every row (status NA included).
old <- options(na.action = na.pass)
mm <- model.matrix(~ x * factor(epoch), stest)[, -1]
options(old)
colnames(mm) <- c("x", "epoch2", "epoch3", "epoch4", "x_epoch2", "x_epoch3", "x_epoch4")
mm <- cbind(stest[, c("start", "stop", "status")], mm)
write_csv(mm, "rob_singtest.csv")
out$singtest <- fitinfo(fit1)

json <- paste0("{\n", paste(sapply(names(out), function(k) {
  v <- out[[k]]
  paste0('  "', k, '": {', paste(sapply(names(v), function(f)
    paste0('"', f, '": ', num(v[[f]]))), collapse = ", "), "}")
}), collapse = ",\n"), "\n}\n")
writeLines(json, "rob_r.json")
