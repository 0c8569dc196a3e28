# FindHPDF: libharu (libhpdf-dev). Debian 12's libharu 2.3.0 ships neither a
# pkg-config file nor a CMake package, so we make the imported target here.
# Provides: HPDF_FOUND, HPDF_VERSION, target hpdf::hpdf.
find_path(HPDF_INCLUDE_DIR hpdf.h)
find_library(HPDF_LIBRARY NAMES hpdf)
if(HPDF_INCLUDE_DIR AND EXISTS "${HPDF_INCLUDE_DIR}/hpdf_version.h")
  file(STRINGS "${HPDF_INCLUDE_DIR}/hpdf_version.h" _hpdf_ver REGEX "#define HPDF_VERSION_TEXT")
  string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" HPDF_VERSION "${_hpdf_ver}")
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(HPDF REQUIRED_VARS HPDF_LIBRARY HPDF_INCLUDE_DIR VERSION_VAR HPDF_VERSION)
if(HPDF_FOUND AND NOT TARGET hpdf::hpdf)
  add_library(hpdf::hpdf UNKNOWN IMPORTED)
  set_target_properties(hpdf::hpdf PROPERTIES
    IMPORTED_LOCATION "${HPDF_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${HPDF_INCLUDE_DIR}")
endif()
mark_as_advanced(HPDF_INCLUDE_DIR HPDF_LIBRARY)
