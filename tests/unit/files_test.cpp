#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/unit.h"
#include "tapekey/error.h"
#include "tapekey/files.h"

namespace fs = std::filesystem;
using tapekey::Errc;

namespace {

using tapekey::test::TempDir;

std::span<const std::uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("secret files are created 0600 whatever the umask, and never overwritten without force") {
    TempDir d;
    const auto f = d.path / "key.hex";
    const mode_t old = ::umask(0);
    tapekey::write_file(f, bytes("one"), tapekey::FileMode::secret, tapekey::Overwrite::no);
    ::umask(old);
    CHECK(mode_of(f) == 0600);
    try {
        tapekey::write_file(f, bytes("two"), tapekey::FileMode::secret, tapekey::Overwrite::no);
        FAIL("overwrote");
    } catch (const tapekey::Error& e) {
        CHECK(e.code() == Errc::exists);
        CHECK(std::string(e.what()) == f.string() + " already exists");
        CHECK(e.hint().find("--force") != std::string::npos);
    }
    CHECK(tapekey::read_text_file(f, 100) == "one");
    tapekey::write_file(f, bytes("two"), tapekey::FileMode::secret, tapekey::Overwrite::yes);
    CHECK(tapekey::read_text_file(f, 100) == "two");
    CHECK(mode_of(f) == 0600);
    // No temporary file is left beside it.
    CHECK(std::distance(fs::directory_iterator(d.path), fs::directory_iterator()) == 1);
}

TEST_CASE("a symbolic link is not followed when creating") {
    TempDir d;
    const auto target = d.path / "elsewhere";
    const auto link = d.path / "link";
    fs::create_symlink(target, link);
    CHECK_THROWS_AS(tapekey::write_file(link, bytes("x"), tapekey::FileMode::secret, tapekey::Overwrite::no),
                    tapekey::Error);
    CHECK_FALSE(fs::exists(target));
}

TEST_CASE("reading refuses files larger than the limit and names missing files") {
    TempDir d;
    const auto f = d.path / "big";
    std::ofstream(f) << std::string(100, 'x');
    CHECK_THROWS_AS((void)tapekey::read_secret_file(f, 99), tapekey::Error);
    CHECK(tapekey::read_secret_file(f, 100).size() == 100);
    try {
        (void)tapekey::read_secret_file(d.path / "missing", 10);
        FAIL("read a missing file");
    } catch (const tapekey::Error& e) {
        CHECK(e.code() == Errc::not_found);
    }
}

TEST_CASE("a failed replacement keeps the previous file") {
    TempDir d;
    const auto f = d.path / "keep";
    tapekey::write_file(f, bytes("old"), tapekey::FileMode::secret, tapekey::Overwrite::no);
    ::chmod(d.path.c_str(), 0500);  // no new files in the folder
    if (::geteuid() == 0) {
        // root ignores directory permissions; a missing folder fails instead.
        CHECK_THROWS_AS(tapekey::write_file(d.path / "no" / "such", bytes("new"), tapekey::FileMode::secret,
                                            tapekey::Overwrite::yes),
                        tapekey::Error);
    } else {
        CHECK_THROWS_AS(tapekey::write_file(f, bytes("new"), tapekey::FileMode::secret, tapekey::Overwrite::yes),
                        tapekey::Error);
    }
    ::chmod(d.path.c_str(), 0700);
    CHECK(tapekey::read_text_file(f, 100) == "old");
}

TEST_CASE("remove_file removes a file, accepts one already gone, and refuses a folder") {
    TempDir d;
    const auto f = d.path / "bundle.tkb";
    tapekey::write_file(f, bytes("sealed"), tapekey::FileMode::public_, tapekey::Overwrite::no);
    tapekey::remove_file(f);
    CHECK_FALSE(fs::exists(f));
    tapekey::remove_file(f);  // already gone
    fs::create_directory(d.path / "sub");
    try {
        tapekey::remove_file(d.path / "sub");
        FAIL("removed a folder");
    } catch (const tapekey::Error& e) {
        CHECK(std::string(e.what()).find("cannot remove") != std::string::npos);
    }
    CHECK(fs::is_directory(d.path / "sub"));
}
