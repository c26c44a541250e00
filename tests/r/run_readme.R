# SPDX-License-Identifier: MIT
# Runs the R code of the READMEs as written: every ```r block of the
# top-level README's R section and of bindings/r/README.md, in order, in one
# session, from the repository root. Run by check-r.sh.
#   Rscript run_readme.R REPO_DIR
args <- commandArgs(trailingOnly = TRUE)
setwd(args[1])
blocks <- function(file) {
  lines <- readLines(file, warn = FALSE)
  out <- list()
  inside <- FALSE
  cur <- character()
  for (l in lines) {
    if (!inside && grepl("^```r\\s*$", l)) {
      inside <- TRUE
      cur <- character()
    } else if (inside && grepl("^```\\s*$", l)) {
      inside <- FALSE
      out[[length(out) + 1L]] <- cur
    } else if (inside) {
      cur <- c(cur, l)
    }
  }
  out
}
files <- c("README.md", file.path("bindings", "r", "README.md"))
env <- new.env(parent = globalenv())
grDevices::pdf(NULL)
n <- 0L
for (f in files) {
  for (b in blocks(f)) {
    n <- n + 1L
    cat(sprintf("-- %s, R block %d\n", f, n))
    eval(parse(text = b, keep.source = FALSE), envir = env)
  }
}
if (n == 0L) stop("no R code found in the READMEs")
cat(sprintf("ran %d R blocks of the READMEs\n", n))
