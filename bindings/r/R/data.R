# SPDX-License-Identifier: MIT

#' A simulated purchase log in the shape of CDNOW
#'
#' 1,000 customers who made their first purchase between 1997-01-01 and
#' 1997-03-25 and were observed until 1998-06-30, like the CDNOW sample used
#' throughout the BTYD literature, but simulated (so it can ship with the
#' package): purchases from a BG/NBD process with the parameters published
#' for CDNOW (r = 0.243, alpha = 4.414 weeks, a = 0.793, b = 2.426) and
#' amounts from the Gamma-Gamma model (p = 6.25, q = 3.74, gamma = 15.44).
#' Columns are named as BTYD's event log, so [rfm_summary()] finds them.
#' `data-raw/make_data.R` in the source repository makes it (fixed seed).
#'
#' @format A data frame with one row per purchase:
#' \describe{
#'   \item{cust}{customer id (integer)}
#'   \item{date}{purchase date (`Date`)}
#'   \item{sales}{amount (dollars)}
#' }
#' @examples
#' head(cdnow_sim)
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' bgnbd(cbs)
"cdnow_sim"

#' A simulated customer survey
#'
#' 1,200 answers to a 0-10 recommendation question, a 1-5 satisfaction
#' question, a 1-7 effort question and five 0-10 attribute ratings, with
#' non-responses (`NA`), from three segments and two regions, with survey
#' weights. Simulated by
#' `data-raw/make_data.R` (fixed seed).
#'
#' @format A data frame:
#' \describe{
#'   \item{segment}{factor: Cafe, Home, Office}
#'   \item{region}{factor: North, South}
#'   \item{score}{0-10 recommendation score, `NA` when not answered}
#'   \item{csat}{1-5 satisfaction, `NA` when not answered}
#'   \item{ces}{1-7 ease ("it was easy"), `NA` when not answered}
#'   \item{weight}{survey weight}
#'   \item{taste, freshness, value, delivery, app}{0-10 ratings of five
#'     attributes (`NA` when not rated) for [drivers()], [prca()] and
#'     [ipa()]: taste, freshness and value move with the score, delivery is
#'     nearly always rated high and a low rating goes with a low score (a
#'     basic factor), a high rating of the app goes with the happiest (an
#'     excitement factor)}
#' }
#' @examples
#' nps_by(survey, "score", "segment")
"survey"

#' Simulated donation patterns for the BG/BB model
#'
#' Repeat-donation patterns of 11,104 simulated donors over 6 yearly
#' opportunities, in the layout of BTYD's `rf.matrix` (one row per pattern
#' with its number of donors), from the BG/BB parameters published for the
#' donations data of Fader, Hardie and Shang (2010) (alpha 1.204, beta
#' 0.750, gamma 0.657, delta 2.783).
#'
#' @format A data frame: `x` (donations after the first), `t.x` (last
#'   opportunity with a donation, 0 if none), `n.cal` (6) and `custs`
#'   (donors with the pattern).
#' @examples
#' bgbb(donations_sim)
"donations_sim"

#' A simulated survey of eight branches over two years
#'
#' 1,672 answers to a 0-10 recommendation question with their date and
#' branch, from the repository's sample data (`examples/data/survey.csv`,
#' simulated by `examples/data/generate.py` with fixed seeds), for
#' [nps_funnel()], [nps_chart()], [nps_change()] and [topbox_trend()]. Two
#' signals were built in: Bremen draws more detractors than the other
#' branches all along, and from 2 June 2025 (a price rise) every branch
#' does. The tallies are those of the library's example
#' `examples/consistency_quickstart.c`, so the package's results can be
#' compared with it. `data-raw/make_branch_survey.R` makes it.
#'
#' @format A data frame, one row per answer:
#' \describe{
#'   \item{date}{date of the answer (`Date`), 2024-02-06 to 2025-12-31}
#'   \item{branch}{factor: Hamburg, Berlin, Bremen, Hannover, Kiel, Luebeck,
#'     Rostock, Flensburg}
#'   \item{segment}{factor: Cafe, Home, Office}
#'   \item{score}{0-10 recommendation score, `NA` when not answered}
#' }
#' @examples
#' nps_by(branch_survey, "score", "branch")
#' nps_funnel(branch_survey, "score", "branch")
"branch_survey"
