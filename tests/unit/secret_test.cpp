#include <doctest/doctest.h>
#include <openssl/crypto.h>

#include "tapekey/error.h"
#include "tapekey/secret.h"

using tapekey::SecretBytes;

TEST_CASE("secret bytes live on the locked secure heap") {
    CHECK(tapekey::secure_heap_init() == tapekey::SecureHeap::locked);
    SecretBytes s(32);
    CHECK(CRYPTO_secure_allocated(s.expose().data()) == 1);
    for (const auto b : s.expose()) {
        CHECK(b == 0);
    }
}

TEST_CASE("secret bytes move, clone explicitly and compare in constant time") {
    static_assert(!std::is_copy_constructible_v<SecretBytes>);
    static_assert(!std::is_copy_assignable_v<SecretBytes>);
    SecretBytes a(4);
    a.expose()[0] = 7;
    SecretBytes b = a.clone();
    CHECK(a == b);
    b.expose()[3] = 1;
    CHECK_FALSE(a == b);
    SecretBytes c = std::move(a);
    CHECK(a.empty());
    CHECK(c.size() == 4);
    c.truncate(2);
    CHECK(c.size() == 2);
}

TEST_CASE("hex decoding tolerates separators and names the bad character") {
    const std::string text = "00 ff:A0\n1b";
    const auto s = tapekey::secret_from_hex(text, "key");
    REQUIRE(s.size() == 4);
    CHECK(s.expose()[1] == 0xFF);
    CHECK(s.expose()[2] == 0xA0);
    CHECK(s.expose()[3] == 0x1B);
    const auto hex = tapekey::secret_to_hex(s.expose());
    CHECK(std::string(reinterpret_cast<const char*>(hex.expose().data()), hex.size()) == "00ffa01b");

    const std::string bad = "00fg";
    try {
        (void)tapekey::secret_from_hex(bad, "key.hex");
        FAIL("no error");
    } catch (const tapekey::Error& e) {
        CHECK(e.code() == tapekey::Errc::bad_format);
        CHECK(std::string(e.what()) == "key.hex: character 4 is not a hex digit");
    }
    const std::string odd = "abc";
    CHECK_THROWS_AS((void)tapekey::secret_from_hex(odd, "key"), tapekey::Error);
}
