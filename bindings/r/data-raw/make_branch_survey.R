# SPDX-License-Identifier: MIT
# Makes data/branch_survey.rda from the repository's simulated survey export
# (examples/data/survey.csv, written by examples/data/generate.py with fixed
# seeds): the date, branch, segment and score of every answer, so that the
# package's consistency examples reproduce examples/consistency_quickstart.c.
# Run from bindings/r:
#   Rscript data-raw/make_branch_survey.R
d <- read.csv2("../../examples/data/survey.csv", fileEncoding = "UTF-8-BOM",
               stringsAsFactors = FALSE, na.strings = "")
# Branches in the order of the quickstart (largest first, as generated).
branches <- c("Hamburg", "Berlin", "Bremen", "Hannover", "Kiel", "Luebeck",
              "Rostock", "Flensburg")
stopifnot(setequal(unique(d$branch), branches))
branch_survey <- data.frame(
  date = as.Date(d$date),
  branch = factor(d$branch, levels = branches),
  segment = factor(d$segment),
  score = as.integer(d$score))
branch_survey <- branch_survey[order(branch_survey$date, branch_survey$branch), ]
rownames(branch_survey) <- NULL
save(branch_survey, file = "data/branch_survey.rda", compress = "xz")
