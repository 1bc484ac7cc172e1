# Reference values for the "np" slice (Kaplan-Meier, Nelson-Aalen, RMST,
# numbers at risk, log-rank) from R survival 3.5.3 on R 4.2.2.
# Regenerate: Rscript tests/reference/peers/np_r.R > tests/reference/peers/np_r.json
# The data sets are the peers' own test data (named at each case).
suppressMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

num <- function(x) {
  if (length(x) == 0) return("[]")
  v <- ifelse(is.finite(x), sprintf("%.17g", as.numeric(x)), "null")
  paste0("[", paste(v, collapse = ", "), "]")
}
obj <- function(...) {
  a <- list(...)
  paste0("{", paste(sprintf("\"%s\": %s", names(a), unlist(a)), collapse = ", "), "}")
}
curve <- function(fit, times = NULL, tau = NULL) {
  ll <- update(fit, conf.type = "log-log")
  tab <- summary(fit)$table
  out <- list(
    n = num(fit$n), logse = num(as.numeric(fit$logse)), time = num(fit$time), n_risk = num(fit$n.risk),
    n_event = num(fit$n.event), n_censor = num(fit$n.censor), surv = num(fit$surv),
    std_err = num(fit$std.err), cumhaz = num(fit$cumhaz), std_chaz = num(fit$std.chaz),
    lower_log = num(fit$lower), upper_log = num(fit$upper),
    lower_loglog = num(ll$lower), upper_loglog = num(ll$upper),
    median = num(tab[["median"]]), median_lcl = num(tab[["0.95LCL"]]),
    median_ucl = num(tab[["0.95UCL"]]))
  if (!is.null(times)) {
    s <- summary(fit, times = times, extend = TRUE)
    out$at_times <- num(times); out$at_surv <- num(s$surv); out$at_n_risk <- num(s$n.risk)
    out$at_std_err <- num(s$std.err); out$at_cumhaz <- num(s$cumhaz)
  }
  if (!is.null(tau)) {
    r <- summary(fit, rmean = tau)$table
    out$tau <- num(tau); out$rmean <- num(r[["rmean"]]); out$se_rmean <- num(r[["se(rmean)"]])
  }
  do.call(obj, out)
}

# survival tests/survtest.R: the (start, stop] data set test2 (unsorted as there).
test2 <- data.frame(start=c(1, 2, 5, 2, 1, 7, 3, 4, 8, 8),
                    stop =c(2, 3, 6, 7, 8, 9, 9, 9,14,17),
                    event=c(1, 1, 1, 1, 1, 1, 1, 0, 0, 0),
                    x    =c(1, 0, 0, 1, 0, 1, 1, 1, 0, 0),
                    wt   = 1:10)
test2 <- test2[c(1,6,2,7,3,8,4,9,5,10),]
times2 <- c(.5, 1.5, 2.5, 3, 6.5, 14.5, 16.5)
# survival tests/doweight.R: testw1, integer case weights (survfit's default
# variance is then Greenwood's with weighted counts, robust = FALSE).
testw1 <- data.frame(time=  c(1,1,2,2,2,2,3,4,5),
                     status= c(1,0,1,1,1,0,0,1,0),
                     x=      c(2,0,1,1,0,1,0,1,0),
                     wt =    c(1,2,3,4,3,2,1,2,1))
# lifelines tests/test_estimation.py::test_late_entry_with_against_R and
# ::test_late_entry_with_almost_tied_entry_and_death_against_R (all events).
late1 <- data.frame(entry = c(1, 2, 4, 0, 0), time = c(2, 10, 5, 4, 3), event = 1)
late2 <- data.frame(entry = c(1.9, 0, 0, 0, 0), time = c(2, 10, 5, 4, 3), event = 1)
# All censored (lifelines and R both give S = 1 and no median).
cens <- data.frame(time = c(1, 2, 3), event = 0)

here <- commandArgs(trailingOnly = FALSE)
here <- dirname(sub("--file=", "", here[grep("--file=", here)]))
# scikit-survival tests/data/channing.csv (copied to np_channing.csv), as
# sksurv tests/test_nonparametric.py::test_truncated_male / _female select it.
channing <- read.csv(file.path(here, "np_channing.csv"))
channing <- subset(channing, entry < exit)

cases <- list(
  survtest_test2 = curve(survfit(Surv(start, stop, event) ~ 1, test2), times2, 10),
  survtest_test2_x0 = curve(survfit(Surv(start, stop, event) ~ 1, subset(test2, x == 0))),
  survtest_test2_x1 = curve(survfit(Surv(start, stop, event) ~ 1, subset(test2, x == 1))),
  survtest_test2_weighted = curve(survfit(Surv(start, stop, event) ~ 1, test2, weights = wt),
                                  times2, 10),
  doweight_testw1 = curve(survfit(Surv(time, status) ~ 1, testw1, weights = wt),
                          c(0.5, 1, 1.5, 2, 4.5, 6), 4.5),
  lifelines_late_entry = curve(survfit(Surv(entry, time, event) ~ 1, late1), NULL, 6),
  lifelines_late_entry_almost_tied = curve(survfit(Surv(entry, time, event) ~ 1, late2)),
  all_censored = curve(survfit(Surv(time, event) ~ 1, cens), c(0.5, 2, 4), 2.5),
  channing_male = curve(survfit(Surv(entry, exit, cens) ~ 1, subset(channing, sex == "Male")),
                        c(800, 1000, 1200)),
  channing_female = curve(survfit(Surv(entry, exit, cens) ~ 1, subset(channing, sex == "Female")),
                          c(800, 1000, 1200), 1100),
  # Robust (infinitesimal-jackknife) standard errors, R's default for
  # non-integer weights (survfitKM: has.rwt); std_err is then se(S), logse = 0.
  # lifelines tests/test_estimation.py::test_weights_with_unaligned_index data:
  robust_weights_unaligned = curve(survfit(Surv(t, y) ~ 1, weights = w,
    data = data.frame(t = c(0.6, 0.4, 0.8, 0.9), y = c(0, 1, 1, 0), w = c(1.5, 2, 0.8, 0.9)))),
  # survtest.R's test2 with the non-integer weights wt / 4:
  robust_test2 = curve(survfit(Surv(start, stop, event) ~ 1, test2, weights = wt / 4), NULL, 10),
  # doweight.R's testw1 with robust = TRUE asked for:
  robust_testw1 = curve(survfit(Surv(time, status) ~ 1, testw1, weights = wt, robust = TRUE))
)

# Log-rank with entry times: survdiff refuses (start, stop] rows, so the
# values come from coxph at beta = 0 (iter = 0, ties = "breslow"): the
# martingale residuals give O - E per group for any data, and the score test
# is the log-rank chi-square when no event times are tied.
# survival tests/survtest.R test2 grouped by x, and the Stanford heart
# transplant data (survival's `heart`, used by tests/jasa.R) by transplant.
lr_counting <- function(d, g) {
  f <- coxph(Surv(start, stop, event) ~ factor(g), d, ties = "breslow", iter = 0)
  r <- tapply(residuals(f, type = "martingale"), g, sum)
  o <- tapply(d$event, g, sum)
  obj(groups = num(as.numeric(names(o))), observed = num(o), expected = num(o - r),
      score_chisq = num(unname(f$score)))
}
# The heart rows the Rust test reads (survival's data set, as stored).
write.csv(heart[, c("start", "stop", "event", "transplant")], file.path(here, "np_heart.csv"),
          row.names = FALSE, quote = FALSE)
tied <- with(heart, stop[event == 1][duplicated(stop[event == 1])])
heart_untied <- subset(heart, !(event == 1 & stop %in% tied))
logrank <- list(
  survtest_test2_by_x = lr_counting(test2, test2$x),
  heart_by_transplant = lr_counting(heart, heart$transplant),
  heart_untied_by_transplant = lr_counting(heart_untied, heart_untied$transplant)
)
# survdiff G^rho on the lifelines leukemia data (lifelines datasets/anderson.csv,
# used by lifelines tests/test_statistics.py::test_*_weighted_logrank_on_leukemia_dataset).
anderson <- read.csv(file.path(here, "np_anderson.csv"))
for (rho in c(0, 1, 0.5)) {
  s <- survdiff(Surv(t, status) ~ Rx, anderson, rho = rho)
  logrank[[sprintf("anderson_rho_%g", rho)]] <-
    obj(chisq = num(s$chisq), observed = num(s$obs), expected = num(s$exp), n = num(s$n))
}
# Stratified G^rho (as R tests/difftest.R stratifies the log-rank test), by sex.
for (rho in c(0, 1)) {
  s <- survdiff(Surv(t, status) ~ Rx + strata(sex), anderson, rho = rho)
  logrank[[sprintf("anderson_by_sex_rho_%g", rho)]] <-
    obj(chisq = num(s$chisq), observed = num(s$obs), expected = num(s$exp))
}
# lifelines tests/test_statistics.py::test_rank_test_output_against_R_with_censorship
s <- survdiff(Surv(c(10,20,30,10,20,50), c(1,0,1,1,0,1)) ~ c(1,1,1,0,0,0))
logrank$lifelines_rank_test_against_R <- obj(chisq = num(s$chisq), observed = num(s$obs),
                                             expected = num(s$exp))

cat("{\n\"r_version\": \"", R.version$major, ".", R.version$minor, "\", \"survival\": \"",
    as.character(packageVersion("survival")), "\",\n\"km\": {\n",
    paste(sprintf("\"%s\": %s", names(cases), unlist(cases)), collapse = ",\n"),
    "\n},\n\"logrank\": {\n",
    paste(sprintf("\"%s\": %s", names(logrank), unlist(logrank)), collapse = ",\n"),
    "\n}\n}\n", sep = "")
