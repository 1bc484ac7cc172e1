# Reference values for concordance on (start, stop] data (osler issue 12, item 2).
# Peer: R 4.2.2, survival 3.5.3. Regenerate from the repository root:
#   Rscript tests/reference/peers/met_concordance.R > tests/reference/peers/met_concordance.json
# Cases: R survival tests/concordance.R (tdata / tdata2: fit5 and fit8, counts c(70, 91, 7, 0)),
# and concordance(fit) of coxph(Surv(start, stop, event) ~ age + year + surgery + transplant,
# heart) (datasets/stanford-heart is R's heart, unchanged), with Efron and Breslow ties,
# and scikit-survival's tied Harrell case as R counts it.
suppressMessages(library(survival))
num <- function(x) formatC(x, digits = 17, format = "g")
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
out <- character()
add <- function(name, value) out <<- c(out, sprintf('  "%s": %s', name, value))

# R survival tests/concordance.R: tdata2 (several intervals per subject, the risk sets of tdata).
tdata2 <- data.frame(time1=c(0,3, 5,  6,7,   0,  4,17,  7,  0,16,  2,  0, 0,9, 5),
                     time2=c(3,9, 13, 7,13, 18, 17,23, 28, 16,31, 34, 45, 9,48, 60),
                     status=c(0,1, 1, 0,0,  1,  0,1, 0, 0,1, 1, 0, 0,1, 0),
                     x = c(1,1, 6, 2,2, 7, 3,3, 7, 3,3, 8, 4, 4,4, 5),
                     wt= c(1,1, 2, 3,3, 2, 1,1, 2, 3,3, 4, 3, 2,2, 1))
f8 <- concordance(Surv(time1, time2, status) ~ x, tdata2, weights = wt, reverse = TRUE)
f8u <- concordance(Surv(time1, time2, status) ~ x, tdata2, reverse = TRUE)
add("tdata2_start", vec(tdata2$time1)); add("tdata2_stop", vec(tdata2$time2))
add("tdata2_status", vec(tdata2$status)); add("tdata2_x", vec(tdata2$x)); add("tdata2_wt", vec(tdata2$wt))
add("tdata2_weighted_count", vec(f8$count)); add("tdata2_weighted_c", num(f8$concordance))
add("tdata2_count", vec(f8u$count)); add("tdata2_c", num(f8u$concordance))

# Stanford heart transplant: the Cox model's own concordance, concordance(fit).
for (ties in c("efron", "breslow")) {
  fit <- coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart, ties = ties)
  cf <- concordance(fit)
  add(paste0("heart_", ties, "_coef"), vec(unname(coef(fit))))
  add(paste0("heart_", ties, "_count"), vec(cf$count))
  add(paste0("heart_", ties, "_c"), num(cf$concordance))
}
# Stratified by surgery: pairs within a stratum only (R tests/concordance.R fit9's rule).
fit <- coxph(Surv(start, stop, event) ~ age + year + transplant + strata(surgery), heart)
add("heart_strata_count", vec(colSums(concordance(fit)$count)))
add("heart_strata_c", num(concordance(fit)$concordance))
# The same linear predictor ignoring entry times (what osler computed before): shows the change.
fit <- coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart)
lp <- predict(fit, type = "lp")
add("heart_efron_c_ignoring_entry", num(concordance(Surv(heart$stop, heart$event) ~ lp, reverse = TRUE)$concordance))
# Time ties in Harrell's C as R counts them, on scikit-survival's tests/test_metrics.py
# ConcordanceIndexCases::data_with_tied_event_and_time (an event and censorings at 13, two
# events at 13): R, scikit-survival and lifelines agree.
e <- c(1,0,0,0,1,0,1,1,0,0,0,1); t <- c(34,11,11,5,1,89,13,45,7,13,9,13)
r <- c(1,19,13,13,15,14,19,23,11,10,11,1)
ft <- concordance(Surv(t, e) ~ r, reverse = TRUE)
add("tied_event_and_time_count", vec(ft$count)); add("tied_event_and_time_c", num(ft$concordance))
cat("{\n", paste(out, collapse = ",\n"), "\n}\n", sep = "")
