#include <doctest/doctest.h>

#include "tapekey/config.h"
#include "tapekey/error.h"

using tapekey::Config;

namespace {

std::string refusal(const std::string& text) {
    try {
        (void)Config::parse(text, "config");
    } catch (const tapekey::Error& e) {
        CHECK(e.code() == tapekey::Errc::bad_format);
        CHECK_FALSE(e.hint().empty());
        return e.what();
    }
    FAIL("accepted");
    return {};
}

}  // namespace

TEST_CASE("the default file documents every setting and parses to the defaults") {
    const std::string text = Config::default_text();
    const Config c = Config::parse(text, "default");
    CHECK(c.get("log.forward") == "none");
    CHECK_FALSE(c.get_bool("log.fail_closed"));
    CHECK(c.get_int("keys.rotation_days") == 365);
    CHECK(c.get("drive.decryption_mode") == "mixed");
    for (const char* key : {"forward = none", "fail_closed = false", "rotation_days = 365", "decryption_mode = mixed",
                            "clear_on_unload = true"}) {
        CHECK(text.find(std::string("# ") + key) != std::string::npos);
    }
}

TEST_CASE("settings are read with sections, comments and spaces") {
    const Config c = Config::parse("# comment\n[log]\n  fail_closed = true   # inline\nforward=journal\n[keys]\nrotation_days = 90\n",
                                   "config");
    CHECK(c.get_bool("log.fail_closed"));
    CHECK(c.get("log.forward") == "journal");
    CHECK(c.get_int("keys.rotation_days") == 90);
}

TEST_CASE("a typo in a setting is an error naming the line") {
    CHECK(refusal("[log]\nfail_closd = true\n") == "config line 2: unknown setting 'log.fail_closd'");
    CHECK(refusal("[log]\nfail_closed = yes\n") == "config line 2: 'yes' is not a valid value for log.fail_closed");
    CHECK(refusal("[keys]\nrotation_days = -5\n") == "config line 2: '-5' is not a valid value for keys.rotation_days");
    CHECK(refusal("[log\n") == "config line 1: a section line must end with ']'");
    CHECK(refusal("\n\nforward none\n") == "config line 3: expected `key = value`");
    CHECK(refusal("forward = none\n") == "config line 1: unknown setting 'forward'");
}

TEST_CASE("keys() lists the table, and is_set tells a set key from a default") {
    const auto keys = Config::keys();
    CHECK(keys == std::vector<std::string>{"log.forward", "log.fail_closed", "keys.rotation_days",
                                           "drive.decryption_mode", "drive.clear_on_unload"});
    // the commented default file sets nothing
    const Config defaults = Config::parse(Config::default_text(), "default");
    for (const auto& k : keys) {
        CHECK_FALSE(defaults.is_set(k));
    }
    // a key set to its default value is still set
    const Config c = Config::parse("[log]\nforward = none\n[keys]\nrotation_days = 90\n", "config");
    CHECK(c.is_set("log.forward"));
    CHECK(c.is_set("keys.rotation_days"));
    CHECK_FALSE(c.is_set("log.fail_closed"));
    CHECK_THROWS_AS((void)c.is_set("log.nope"), tapekey::Error);
}
