# SPDX-License-Identifier: MIT
library(testthat)
library(loyalty)

test_check("loyalty")
