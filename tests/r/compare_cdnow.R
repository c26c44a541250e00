# SPDX-License-Identifier: MIT
# The R package's answers on CDNOW against the C library's (r_cdnow_ref):
# every number must agree to 1e-10 (relative). Run by check-r.sh.
#   Rscript compare_cdnow.R REF_FILE DATA_DIR
args <- commandArgs(trailingOnly = TRUE)
ref <- utils::read.table(args[1], col.names = c("name", "value"),
                         colClasses = c("character", "numeric"))
ref <- setNames(ref$value, ref$name)
library(loyalty)

raw <- utils::read.table(file.path(args[2], "cdnow", "CDNOW_sample.txt"),
                         col.names = c("master", "cust", "date", "cds", "sales"))
elog <- data.frame(cust = raw$cust, date = as.Date(as.character(raw$date), "%Y%m%d"),
                   sales = raw$sales)
cbs <- rfm_summary(elog, calibration_end = as.Date("1997-09-30"),
                   observation_end = as.Date("1998-06-30"))
b <- bgnbd(cbs)
p <- pnbd(cbs)
m <- mbgnbd(cbs)
g <- ggamma(cbs)
pa <- predict(b, type = "palive")
ce <- predict(b, type = "expected", t = 39)
named <- function(prefix, v) setNames(unname(v), paste0(prefix, names(v)))
got <- c(summary.x = sum(cbs$x), summary.t_x = sum(cbs$t.x), summary.T = sum(cbs$T.cal),
         summary.m = sum(cbs$m.x),
         named("bgnbd.", coef(b)), bgnbd.loglik = as.numeric(logLik(b)),
         named("bgnbd.se.", sqrt(diag(vcov(b)))),
         bgnbd.palive_sum = sum(pa), bgnbd.expected39_sum = sum(ce),
         bgnbd.palive_1 = pa[1], bgnbd.expected39_1 = ce[1],
         named("pnbd.", coef(p)), pnbd.loglik = as.numeric(logLik(p)),
         pnbd.palive_sum = sum(predict(p, type = "palive")),
         named("mbgnbd.", coef(m)), mbgnbd.loglik = as.numeric(logLik(m)),
         named("ggamma.", coef(g)), ggamma.loglik = as.numeric(logLik(g)))
missing <- setdiff(names(ref), names(got))
if (length(missing)) stop("not computed from R: ", paste(missing, collapse = ", "))
rel <- abs(got[names(ref)] - ref) / pmax(abs(ref), 1e-300)
tab <- data.frame(name = names(ref), C = format(ref, digits = 17),
                  R = format(got[names(ref)], digits = 17), rel_diff = signif(rel, 3))
print(tab, row.names = FALSE)
if (any(!(rel <= 1e-10))) {
  cat("MISMATCH beyond 1e-10:", paste(names(ref)[!(rel <= 1e-10)], collapse = ", "), "\n")
  quit(status = 1)
}
cat(sprintf("all %d numbers agree to 1e-10 (largest relative difference %.3g)\n",
            length(ref), max(rel)))
