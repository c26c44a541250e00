# SPDX-License-Identifier: MIT
# join_paths(<out> <base> <path>...): join install paths for pkg-config files
# so that an absolute CMAKE_INSTALL_LIBDIR (as on NixOS and some distros)
# is kept as is instead of being appended to the prefix.
function(join_paths out base)
  set(result "${base}")
  foreach(p IN LISTS ARGN)
    if(IS_ABSOLUTE "${p}")
      set(result "${p}")
    elseif(NOT p STREQUAL "")
      set(result "${result}/${p}")
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()
