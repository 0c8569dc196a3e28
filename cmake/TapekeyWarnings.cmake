# tapekey_warnings: an interface target every project target links. No global
# flags: warnings, hardening and sanitizers travel with this target.
add_library(tapekey_warnings INTERFACE)
target_compile_options(tapekey_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wcast-qual
  -Wformat=2 -Wnon-virtual-dtor -Wold-style-cast -Wimplicit-fallthrough)
if(TAPEKEY_WERROR)
  target_compile_options(tapekey_warnings INTERFACE -Werror)
endif()
if(TAPEKEY_SANITIZE)
  target_compile_options(tapekey_warnings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(tapekey_warnings INTERFACE -fsanitize=address,undefined)
else()
  # _FORTIFY_SOURCE needs optimisation; sanitizer builds run at -O1/-O0.
  target_compile_options(tapekey_warnings INTERFACE
    $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2> -fstack-protector-strong)
endif()
