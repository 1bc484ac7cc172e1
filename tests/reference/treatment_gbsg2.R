# Reference values for `osler treatment` (treatment effects in a randomised trial) on gbsg2.
#
# Run from the repository root:   Rscript tests/reference/treatment_gbsg2.R
# Reads  datasets/gbsg2/data.csv (686 women; arm horTh no/yes, time in days, cens = 1 event),
# writes tests/reference/golden/treatment_gbsg2.json.
#
# * Cox hazard ratio of horTh (yes vs no), Efron ties, Wald 95% CI and p; also adjusted for
#   the covariates below. Every coxph uses coxph.control(eps = 1e-14) (converged to rounding).
# * Log-rank test (survdiff, rho = 0).
# * Restricted mean survival time per arm at tau = 5 years = 1826.25 days:
#   summary(survfit(...), rmean = tau)$table[, c("rmean", "se(rmean)")] (survival's survmean:
#   the area under the KM curve from 0 to tau, se^2 = sum_{t_i <= tau} A_i^2 d_i / (n_i (n_i - d_i)),
#   A_i = area under the curve from t_i to tau; the same numeric tau for both arms; no
#   n/(n-1) factor). Difference yes - no, se = sqrt(se_no^2 + se_yes^2), Wald CI and p.
# * KM risk 1 - S(tau) per arm with Greenwood SE (summary(survfit, times = tau)).
# * Heterogeneity: per covariate c, coxph(S ~ arm * c) and the Wald test of the arm:c
#   coefficient(s); the global likelihood-ratio test of all interactions together
#   (coxph(S ~ arm * (covs)) against coxph(S ~ arm + covs)).
# * Subgroup hazard ratios (coxph(S ~ arm) within each tgrade level and below/above the median age).
suppressPackageStartupMessages(library(survival))

num <- function(v) paste0("[", paste(sprintf("%.17g", as.numeric(v)), collapse = ","), "]")
one <- function(v) sprintf("%.17g", as.numeric(v))
str <- function(v) paste0("[", paste0('"', v, '"', collapse = ","), "]")

d <- read.csv("datasets/gbsg2/data.csv")
d$arm <- as.integer(d$horTh == "yes")
d$menostat <- factor(d$menostat, levels = c("Pre", "Post"))
d$tgrade <- factor(d$tgrade, levels = c("I", "II", "III"))
S <- Surv(d$time, d$cens)
tau <- 1826.25
z <- qnorm(0.975)
# Converged to rounding, as the other Cox goldens (R warns that toler.chol 1.8e-12 > eps; harmless here).
ctl <- suppressWarnings(coxph.control(eps = 1e-14, iter.max = 100))

cox <- coxph(S ~ arm, data = d, control = ctl)
b <- unname(coef(cox)); se <- sqrt(vcov(cox)[1, 1])
covs <- c("age", "menostat", "tsize", "tgrade", "pnodes", "progrec", "estrec")
adj <- coxph(as.formula(paste("S ~ arm +", paste(covs, collapse = " + "))), data = d, control = ctl)
ba <- unname(coef(adj)[1]); sea <- sqrt(vcov(adj)[1, 1])
lr <- survdiff(S ~ arm, data = d)

fit <- survfit(S ~ arm, data = d)
tab <- summary(fit, rmean = tau)$table
rm <- tab[, "rmean"]; rse <- tab[, "se(rmean)"]
diff <- unname(rm[2] - rm[1]); dse <- sqrt(sum(rse^2))
at <- summary(fit, times = tau)
risk <- 1 - at$surv; risk_se <- at$std.err
rd <- risk[2] - risk[1]; rd_se <- sqrt(sum(risk_se^2))

inter <- sapply(covs, function(cv) {
  m <- coxph(as.formula(paste("S ~ arm *", cv)), data = d, control = ctl)
  k <- grep("^arm:", names(coef(m)))
  bi <- coef(m)[k]; vi <- vcov(m)[k, k, drop = FALSE]
  c(stat = drop(t(bi) %*% solve(vi) %*% bi), df = length(k))
})
full <- coxph(as.formula(paste("S ~ arm * (", paste(covs, collapse = " + "), ")")), data = d, control = ctl)
glr <- 2 * (full$loglik[2] - adj$loglik[2])
gdf <- length(coef(full)) - length(coef(adj))
sub_hr <- function(rows) {
  m <- coxph(S[rows] ~ arm, data = d[rows, ], control = ctl)
  c(exp(coef(m)), exp(coef(m) + c(-1, 1) * z * sqrt(vcov(m)[1, 1])))
}
med_age <- median(d$age)
subs <- list(
  "tgrade=I" = d$tgrade == "I", "tgrade=II" = d$tgrade == "II", "tgrade=III" = d$tgrade == "III",
  "age<=median" = d$age <= med_age, "age>median" = d$age > med_age)
sub <- sapply(subs, sub_hr)

json <- paste0('{
 "description": "Treatment effect of hormone therapy (horTh yes vs no) on recurrence-free survival in gbsg2: Cox HR (Efron), log-rank, RMST at tau = 5 years (survival::survmean), KM risk difference at tau with Greenwood SE, arm x covariate interaction tests and subgroup HRs.",
 "input": {"data": "datasets/gbsg2/data.csv", "arm": "horTh", "reference": "no", "time": "time", "event": "cens", "tau": ', one(tau), ', "covariates": ', str(covs), '},
 "produced_by": "R ', paste(R.version$major, R.version$minor, sep = "."), ', survival ', as.character(packageVersion("survival")), ', tests/reference/treatment_gbsg2.R",
 "expected": {
  "n": ', num(fit$n), ', "events": ', num(tab[, "events"]), ',
  "hazard_ratio": {"coef": ', one(b), ', "se": ', one(se), ', "estimate": ', one(exp(b)), ', "ci95": ', num(exp(b + c(-1, 1) * z * se)), ', "p": ', one(summary(cox)$coefficients[1, 5]), '},
  "hazard_ratio_adjusted": {"coef": ', one(ba), ', "se": ', one(sea), ', "estimate": ', one(exp(ba)), ', "ci95": ', num(exp(ba + c(-1, 1) * z * sea)), ', "p": ', one(summary(adj)$coefficients[1, 5]), '},
  "logrank": {"chisq": ', one(lr$chisq), ', "df": 1, "p": ', one(pchisq(lr$chisq, 1, lower.tail = FALSE)), ', "observed": ', num(lr$obs), ', "expected": ', num(lr$exp), '},
  "median": ', num(tab[, "median"]), ',
  "rmst": {"tau": ', one(tau), ', "arms": {"no": {"estimate": ', one(rm[1]), ', "se": ', one(rse[1]), '}, "yes": {"estimate": ', one(rm[2]), ', "se": ', one(rse[2]), '}},
           "difference": {"estimate": ', one(diff), ', "se": ', one(dse), ', "ci95": ', num(diff + c(-1, 1) * z * dse), ', "p": ', one(2 * pnorm(-abs(diff / dse))), '}},
  "risk_at_tau": {"risk": ', num(risk), ', "se": ', num(risk_se), ', "difference": ', one(rd), ', "difference_se": ', one(rd_se), '},
  "interactions": {"covariates": ', str(covs), ', "wald_chisq": ', num(inter["stat", ]), ', "df": ', num(inter["df", ]), ',
                   "global_lr": {"chisq": ', one(glr), ', "df": ', one(gdf), ', "p": ', one(pchisq(glr, gdf, lower.tail = FALSE)), '}},
  "subgroups": {"labels": ', str(names(subs)), ', "median_age": ', one(med_age), ', "hr": ', num(sub[1, ]), ', "lower": ', num(sub[2, ]), ', "upper": ', num(sub[3, ]), '}
 }
}
')
writeLines(json, "tests/reference/golden/treatment_gbsg2.json")
