# Reference values of the "cox" slice of issue 12 from R survival.
# Run from the repository root:
#   Rscript tests/reference/peers/cox_reference.R
# Writes tests/reference/peers/cox_reference.json and the data sets
# cox_test1.csv, cox_veteran.csv, cox_veteran_split.csv, cox_lung.csv.
# R 4.2.2, survival 3.5.3. jsonlite is not needed: a small writer below.
suppressMessages(library(survival))
out_dir <- "tests/reference/peers"

num <- function(x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "null", sprintf("%.17g", x))
  if (length(x) == 1) s else paste0("[", paste(s, collapse = ","), "]")
}
js <- function(v) {
  if (is.list(v)) {
    keys <- names(v)
    if (is.null(keys)) return(paste0("[", paste(sapply(v, js), collapse = ","), "]"))
    return(paste0("{", paste(sprintf("\"%s\":%s", keys, sapply(v, js)), collapse = ","), "}"))
  }
  if (is.character(v)) return(if (length(v) == 1) sprintf("\"%s\"", v) else
    paste0("[", paste(sprintf("\"%s\"", v), collapse = ","), "]"))
  num(v)
}
ctl <- coxph.control(eps = 1e-14, iter.max = 200, toler.chol = 1e-15)

fit_summary <- function(f) {
  list(coef = unname(coef(f)), se = unname(sqrt(diag(f$var))),
       loglik = f$loglik[2], loglik_null = f$loglik[1],
       score = unname(f$score), wald = unname(f$wald.test),
       iterations = f$iter)
}
zph_table <- function(f, transform) {
  z <- cox.zph(f, transform = transform)
  tb <- z$table
  list(chisq = unname(tb[, 1]), df = unname(tb[, 2]), p = unname(tb[, 3]))
}

# R survival tests/book1.R, zph.R, book7.R: Therneau & Grambsch's test1
# without its row of missing status (dropped by na.omit).
test1 <- data.frame(time = c(9, 1, 1, 6, 6, 8), status = c(1, 1, 0, 1, 1, 0),
                    x = c(0, 1, 1, 1, 0, 0))
write.csv(test1, file.path(out_dir, "cox_test1.csv"), row.names = FALSE, quote = FALSE)
test2 <- rbind(test1, test1)
test2$group <- rep(c("a", "b"), each = nrow(test1))
test2$entry <- 0

rossi <- read.csv("tests/reference/data/lifelines_rossi.csv")
vet <- veteran
vet$cell <- as.character(vet$celltype)
vet$celltype <- as.integer(vet$celltype)
vet$month <- ceiling(vet$time / 30)
write.csv(vet, file.path(out_dir, "cox_veteran.csv"), row.names = FALSE, quote = FALSE)
# R tests/zph.R: veteran split at day 150 (start, stop] rows.
vs <- survSplit(Surv(time, status) ~ ., veteran, cut = 150, episode = "epoch")
vs$celltype <- as.integer(vs$celltype)
# The same rows in 30-day months (heavy ties with entry times).
vs$mstart <- vs$tstart / 30
vs$mstop <- ceiling(vs$time / 30)
write.csv(vs, file.path(out_dir, "cox_veteran_split.csv"), row.names = FALSE, quote = FALSE)
lung2 <- na.omit(lung[, c("time", "status", "age", "ph.ecog", "sex")])
lung2$status <- lung2$status - 1
lung2$zero <- 0
write.csv(lung2, file.path(out_dir, "cox_lung.csv"), row.names = FALSE, quote = FALSE)

res <- list()

# Item 3: survival after Efron and Breslow fits (survfit.coxph's default ctype).
bl <- list()
times1 <- c(0.5, 1, 2, 6, 7, 8, 9, 10)
for (ties in c("efron", "breslow")) {
  f <- coxph(Surv(time, status) ~ x, test1, ties = ties, control = ctl)
  s <- survfit(f, newdata = data.frame(x = c(0, 1)))
  ss <- summary(s, times = times1, extend = TRUE)$surv
  bl[[paste0("test1_", ties)]] <- list(coef = unname(coef(f)), times = times1,
                                       surv_x0 = ss[, 1], surv_x1 = ss[, 2])
}
rt <- c(5, 10, 20, 30, 40, 52)
nd <- rossi[c(1, 2, 50), c("fin", "age", "prio")]
for (ties in c("efron", "breslow")) {
  f <- coxph(Surv(week, arrest) ~ fin + age + prio, rossi, ties = ties, control = ctl)
  s <- summary(survfit(f, newdata = nd), times = rt)$surv
  bl[[paste0("rossi_", ties)]] <- list(coef = unname(coef(f)), times = rt,
    newdata = lapply(1:3, function(i) unname(unlist(nd[i, ]))),
    surv = lapply(1:3, function(i) s[, i]))
}
res$baseline <- bl

# Item 4: cox.zph as survival >= 3.0, per transform.
zp <- list()
for (ties in c("efron", "breslow")) {
  f <- coxph(Surv(time, status) ~ x, test1, ties = ties, control = ctl)
  for (tr in c("km", "rank", "identity", "log")) {
    z <- cox.zph(f, transform = tr, global = FALSE)
    zp[[paste0("test1_", ties, "_", tr)]] <- list(chisq = unname(z$table[, 1]))
  }
}
f6 <- coxph(Surv(entry, time, status) ~ x + strata(group), test2, control = ctl)
zp$test2_strata_entry_log <- list(chisq = unname(cox.zph(f6, transform = "log", global = FALSE)$table[, 1]))
rossi_f <- coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, rossi, control = ctl)
for (tr in c("km", "rank", "identity", "log")) zp[[paste0("rossi_", tr)]] <- zph_table(rossi_f, tr)
rb <- coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, rossi,
            ties = "breslow", control = ctl)
zp$rossi_breslow_km <- zph_table(rb, "km")
vf <- coxph(Surv(time, status) ~ karno + age + diagtime + strata(celltype), vet, control = ctl)
for (tr in c("km", "identity")) zp[[paste0("veteran_strata_", tr)]] <- zph_table(vf, tr)
# A factor is one term of cox.zph (terms = TRUE): its 3 columns on 3 df.
vff <- coxph(Surv(time, status) ~ cell + karno + age, vet, control = ctl)
zp$veteran_factor_km <- zph_table(vff, "km")
vsf <- coxph(Surv(tstart, time, status) ~ karno + age + trt, vs, control = ctl)
for (tr in c("km", "rank", "log")) zp[[paste0("veteran_split_", tr)]] <- zph_table(vsf, tr)
# lifelines tests/test_statistics.py::test_proportional_hazard_test_with_weights
# and ..._with_strata_weights_and_strata (their R calls, at full precision).
lw <- data.frame(var1 = c(0.209325, 0.693919, 0.443804, 0.065636, 0.386294),
                 T = c(5.269797, 6.601666, 7.335846, 11.684092, 12.678458),
                 E = c(1, 1, 1, 1, 1), w = c(1, 0.5, 2, 1, 1), s = c(1, 1, 0, 0, 0))
fw <- coxph(Surv(T, E) ~ var1, lw, weights = w, control = ctl)
for (tr in c("km", "rank", "identity", "log"))
  zp[[paste0("lifelines_weights_", tr)]] <- list(coef = unname(coef(fw)),
    chisq = unname(cox.zph(fw, transform = tr, global = FALSE)$table[, 1]))
fws <- coxph(Surv(T, E) ~ var1 + strata(s), lw, weights = w, control = ctl)
for (tr in c("km", "identity"))
  zp[[paste0("lifelines_weights_strata_", tr)]] <- list(coef = unname(coef(fws)),
    chisq = unname(cox.zph(fws, transform = tr, global = FALSE)$table[, 1]))
res$zph <- zp

# Item 13: ties = "exact".
ex <- list()
ex$lung <- fit_summary(coxph(Surv(time, status) ~ age + ph.ecog + sex, lung2,
                             ties = "exact", control = ctl))
ex$lung_entry <- fit_summary(coxph(Surv(zero, time, status) ~ age + ph.ecog + sex, lung2,
                                   ties = "exact", control = ctl))
ex$rossi <- fit_summary(coxph(Surv(week, arrest) ~ fin + age + prio, rossi,
                              ties = "exact", control = ctl))
ex$veteran_month_strata <- fit_summary(coxph(Surv(month, status) ~ karno + age + strata(trt),
                                             vet, ties = "exact", control = ctl))
fe <- coxph(Surv(month, status) ~ karno + age, vet, ties = "exact", control = ctl)
ex$veteran_month <- fit_summary(fe)
ex$veteran_month$surv_times <- c(1, 2, 3, 6, 12)
ex$veteran_month$surv_x <- c(60, 60)
ex$veteran_month$surv <- summary(survfit(fe, newdata = data.frame(karno = 60, age = 60)),
                                 times = c(1, 2, 3, 6, 12))$surv
# R's agexact enumerates the subsets of each risk set: squamous cells only
# (celltype 1), up to 8 tied deaths.
ex$veteran_split_month <- fit_summary(coxph(Surv(mstart, mstop, status) ~ karno + age,
                                            vs[vs$celltype == 1, ], ties = "exact",
                                            control = ctl))
res$exact <- ex

writeLines(js(res), file.path(out_dir, "cox_reference.json"))
