# SPDX-License-Identifier: MIT

`%||%` <- function(a, b) if (is.null(a)) b else a

# Column `spec` of `data`: a column name, a vector of the right length, or
# NULL to take the first of `candidates` present. Returns list(value, name).
resolve_column <- function(data, spec, candidates, label, required = TRUE) {
  if (!is.null(spec) && !(is.character(spec) && length(spec) == 1L && !is.null(data))) {
    if (!is.null(data) && length(spec) != nrow(data))
      bad_input(sprintf("%s has %d values but the data have %d rows", label,
                        length(spec), nrow(data)), label)
    return(list(value = spec, name = label))
  }
  if (is.null(data)) {
    if (required) bad_input(sprintf("%s is missing", label), label)
    return(list(value = NULL, name = label))
  }
  nms <- names(data)
  if (is.null(spec)) {
    hit <- candidates[candidates %in% nms]
    if (length(hit) == 0L) {
      if (!required) return(list(value = NULL, name = label))
      bad_input(sprintf("no %s column: name it with %s = (looked for %s)", label,
                        label, paste(sprintf("'%s'", candidates), collapse = ", ")),
                label)
    }
    spec <- hit[1L]
  } else if (!spec %in% nms) {
    bad_input(sprintf("column '%s' (%s) is not in the data", spec, label), label)
  }
  list(value = data[[spec]], name = spec)
}

# A numeric vector as double for C; factors and text are refused.
as_num <- function(v, name) {
  if (is.null(v)) return(NULL)
  if (is.factor(v) || is.character(v) || is.list(v))
    bad_input(sprintf("%s must be numeric, not %s", name, class(v)[1L]), name)
  if (inherits(v, "difftime")) v <- unclass(v)
  if (!is.numeric(v) && !is.logical(v))
    bad_input(sprintf("%s must be numeric", name), name)
  storage.mode(v) <- "double"
  attributes(v) <- NULL
  v
}

as_scalar <- function(v, name, integer = FALSE) {
  if (!is.numeric(v) || length(v) != 1L || is.na(v))
    bad_input(sprintf("%s must be a single number", name), name)
  if (integer) {
    if (v != round(v) || abs(v) > .Machine$integer.max)
      bad_input(sprintf("%s must be a whole number", name), name)
    return(as.integer(v))
  }
  as.double(v)
}

as_level <- function(level) {
  if (!is.numeric(level) || length(level) != 1L || is.na(level))
    bad_input("level must be a single number in (0, 1)", "level")
  as.double(level)
}

# Output data frame in the class of the input (data.table, tibble).
like_input <- function(df, input) {
  if (inherits(input, "data.table") && requireNamespace("data.table", quietly = TRUE))
    return(data.table::as.data.table(df))
  if (inherits(input, "tbl_df") && requireNamespace("tibble", quietly = TRUE))
    return(tibble::as_tibble(df))
  df
}

# Whole fraction of a control value for C (NA -> 0).
ctrl_num <- function(v, name, max = 4294967295) {
  if (is.null(v)) return(0)
  if (!is.numeric(v) || length(v) != 1L || is.na(v) || v < 0 || v > max || v != round(v))
    bad_input(sprintf("control$%s must be a whole number >= 0", name), name)
  as.double(v)
}

fmt_num <- function(x, digits = 4) formatC(x, digits = digits, format = "fg", flag = "#")

pct <- function(x, digits = 1) sprintf(paste0("%.", digits, "f"), 100 * x)
