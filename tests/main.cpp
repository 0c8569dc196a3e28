#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "tapekey/secret.h"

int main(int argc, char** argv) {
    tapekey::secure_heap_init();  // before any OpenSSL RAND use, as in the CLI
    doctest::Context context;
    context.applyCommandLine(argc, argv);
    return context.run();
}
