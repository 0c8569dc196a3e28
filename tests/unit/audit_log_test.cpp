// The key-use log (docs/spec/audit-log.md): known answers from the second
// implementation (tests/vectors/gen/audit_log_vectors.py), the named invalid
// logs, the writer's crash-consistency rules, and the exhaustive mutation
// test of section 12 over a log of 1,000 entries.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/chain.h"
#include "audit/entry.h"
#include "audit/verifier.h"
#include "crypto.h"
#include "support/fixed_rng.h"
#include "support/unit.h"
#include "support/vectors.h"
#include "tapekey/audit_log.h"
#include "tapekey/config.h"
#include "tapekey/files.h"

namespace fs = std::filesystem;
namespace audit = tapekey::detail::audit;
using tapekey::Errc;
using tapekey::SecretBytes;

namespace {

using tapekey::test::TempDir;

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string as_text(const std::vector<std::uint8_t>& v) { return {v.begin(), v.end()}; }

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

void spill(const fs::path& p, std::string_view text) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
}

SecretBytes key_of(const std::vector<std::uint8_t>& k) { return SecretBytes::copy_of(k); }

// A home with a settings file, ready for KeyUseLog::create.
struct TestHome {
    TempDir dir;
    tapekey::Home home = tapekey::Home::locate(dir.path);
    explicit TestHome(const std::string& settings = "") {
        const std::string text = tapekey::Config::default_text() + settings;
        tapekey::write_file(home.config(), bytes(text), tapekey::FileMode::secret, tapekey::Overwrite::no);
    }
};

tapekey::LogReport verify_text(const fs::path& where, std::string_view text, const SecretBytes* key = nullptr,
                               std::optional<std::string_view> checkpoint = std::nullopt) {
    spill(where, text);
    return tapekey::verify_log(where, key, checkpoint);
}

}  // namespace

TEST_CASE("known answers: every entry, hash, key and mac of the second implementation") {
    const auto vectors = tapekey::test::load_vectors("audit_log/kat.vec");
    const auto& head = vectors.at(0);
    REQUIRE(head.section == "log");
    audit::Chain chain;
    std::string log;
    std::vector<std::uint8_t> next_key;
    int entries = 0;
    for (const auto& v : vectors) {
        if (v.section != "entry") {
            continue;
        }
        CAPTURE(v.at("seq"));
        const auto key = v.hex("key");
        if (!next_key.empty()) {
            CHECK(key == next_key);  // k_(i+1) = SHA256("tklog-v1 evolve" || k_i)
        }
        tapekey::LogFields fields;
        std::istringstream fs_(v.at("fields"));
        for (std::string pair; fs_ >> pair;) {
            const auto eq = pair.find('=');
            fields.emplace_back(pair.substr(0, eq), as_text(tapekey::test::from_hex(pair.substr(eq + 1))));
        }
        audit::NewEntry e;
        e.seq = v.number("seq");
        e.time = v.at("time");
        e.host = head.at("host");
        e.user = head.at("user");
        e.command = as_text(v.hex("cmd"));
        e.event = v.at("event");
        e.fields = &fields;
        const auto prev = v.hex("prev");
        std::copy(prev.begin(), prev.end(), e.prev.begin());
        std::string line = audit::encode_body(e);
        const auto h = chain.entry_hash(bytes(line));
        CHECK(audit::hex(h) == v.at("hash"));
        const auto mac = chain.mac(key, e.seq, h);
        CHECK(audit::hex(mac) == v.at("mac"));
        // the RFC 2104 HMAC of chain.cpp agrees with OpenSSL's
        std::uint8_t seq_be[8];
        for (int i = 0; i < 8; ++i) {
            seq_be[i] = static_cast<std::uint8_t>(e.seq >> (56 - 8 * i));
        }
        CHECK(tapekey::detail::hmac_sha256(key, {tapekey::detail::label("tklog-v1 mac"), seq_be, h}) == mac);
        audit::finish_line(line, mac);
        CHECK(line == as_text(v.hex("line")) + "\n");
        log += line;

        audit::RawEntry raw;
        CHECK_FALSE(audit::parse_line(std::string_view(line).substr(0, line.size() - 1), raw));
        const auto decoded = audit::decode(raw);
        CHECK(decoded.event == e.event);
        CHECK(decoded.fields.size() == fields.size());

        auto k = key;
        chain.evolve(k);
        next_key = k;
        ++entries;
    }
    CHECK(entries == 6);
    CHECK(log == slurp(fs::path(TAPEKEY_VECTORS_DIR) / "audit_log/kat.log"));

    const auto k0 = key_of(head.hex("auditor_key"));
    const auto path = fs::path(TAPEKEY_VECTORS_DIR) / "audit_log/kat.log";
    const auto r = tapekey::verify_log(path, &k0);
    REQUIRE(r.ok());
    CHECK(r.entries == 6);
    CHECK(r.macs_checked);
    CHECK(r.checkpoint == head.at("checkpoint"));
    CHECK(tapekey::log_checkpoint(path) == head.at("checkpoint"));
    CHECK(tapekey::verify_log(path, &k0, head.at("checkpoint_3")).ok());
    // a checkpoint as a person copies it: lower case, O for 0, no dashes
    std::string sloppy = head.at("checkpoint_3");
    for (char& c : sloppy) {
        c = c == '0' ? 'o' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    sloppy.erase(std::remove(sloppy.begin() + 20, sloppy.end(), '-'), sloppy.end());
    sloppy.replace(0, 11, "tapekey-log");
    CHECK(tapekey::verify_log(path, &k0, sloppy).ok());
}

TEST_CASE("named invalid logs: each reports its first problem, naming the entry") {
    const auto vectors = tapekey::test::load_vectors("audit_log/kat.vec");
    const auto k0 = key_of(vectors.at(0).hex("auditor_key"));
    int cases = 0;
    for (const auto& v : tapekey::test::load_vectors("audit_log/invalid.vec")) {
        CAPTURE(v.name());
        const auto path = fs::path(TAPEKEY_VECTORS_DIR) / "audit_log" / v.at("file");
        std::optional<std::string_view> cp;
        if (v.has("checkpoint")) {
            cp = v.at("checkpoint");
        }
        const auto r = tapekey::verify_log(path, v.number("with_key") != 0 ? &k0 : nullptr, cp);
        CHECK(r.entries == v.number("entries"));
        if (v.number("ok") != 0) {
            CHECK(r.ok());
        } else {
            REQUIRE_FALSE(r.ok());
            CHECK(r.problem->entry == v.number("entries"));
            CHECK(r.problem->what == v.at("what"));
            CHECK_FALSE(r.problem_hint.empty());
        }
        ++cases;
    }
    CHECK(cases >= 15);
}

TEST_CASE("the canonical form: any text round-trips, and the reader refuses every other spelling") {
    tapekey::test::CountingRng rng(7);
    for (int round = 0; round < 2000; ++round) {
        std::vector<std::uint8_t> raw(static_cast<std::size_t>(round % 40));
        rng.fill(raw);
        const tapekey::LogFields fields = {{"value", as_text(raw)}, {"second", "x"}};
        audit::NewEntry e;
        e.seq = static_cast<std::uint64_t>(round);
        e.time = "2026-01-02T03:04:05.000006Z";
        e.host = "h";
        e.user = "u";
        e.command = as_text(raw) + "c";
        e.event = "test.round";
        e.fields = &fields;
        std::string line = audit::encode_body(e);
        audit::finish_line(line, audit::Hash{});
        line.pop_back();
        audit::RawEntry parsed;
        REQUIRE_FALSE(audit::parse_line(line, parsed));
        const auto d = audit::decode(parsed);
        // what comes back is the text with each non-UTF-8 byte as U+FFFD:
        // writing it again gives the same line
        const tapekey::LogFields again = d.fields;
        audit::NewEntry e2 = e;
        e2.command = d.command;
        e2.fields = &again;
        std::string line2 = audit::encode_body(e2);
        audit::finish_line(line2, audit::Hash{});
        line2.pop_back();
        CHECK(line2 == line);
    }
    const std::string good = R"({"v":1,"seq":0,"time":"2026-01-02T03:04:05.000006Z","host":"h","user":"u","cmd":"c","event":"e","fields":{"a":"b"},"prev":")" +
                              std::string(64, '0') + R"(","mac":")" + std::string(64, '0') + R"("})";
    audit::RawEntry r;
    REQUIRE_FALSE(audit::parse_line(good, r));
    const auto refuses = [&](const std::string& from, const std::string& to) {
        std::string bad = good;
        const auto at = bad.find(from);
        REQUIRE(at != std::string::npos);
        bad.replace(at, from.size(), to);
        audit::RawEntry x;
        return audit::parse_line(bad, x).has_value();
    };
    CHECK(refuses("\"seq\":0", "\"seq\":00"));
    CHECK(refuses("\"seq\":0", "\"seq\":-0"));
    CHECK(refuses("\"a\":\"b\"", "\"a\":\"\\u0062\""));
    CHECK(refuses("\"a\":\"b\"", "\"a\":\"\\/\""));
    CHECK(refuses("\"a\":\"b\"", "\"a\":\"b\",\"a\":\"c\""));
    CHECK(refuses("\"a\":\"b\"", "\"A\":\"b\""));
    CHECK(refuses("\"a\":\"b\"", "\"a\":\"\xc3\""));
    CHECK(refuses("\"a\":\"b\"", "\"a\":\"\x01\""));
    CHECK(refuses("\"a\":\"b\"", "\"a\":\"\\u000a\""));
    CHECK(refuses("\"a\":\"b\"", "\"a\":\"\\u001F\""));
    CHECK(refuses("\"v\":1", "\"v\":2"));
    CHECK(refuses("05.000006Z", "05Z"));
    CHECK(refuses("\"event\":\"e\"", "\"event\":\"E\""));
    CHECK(refuses("\"h\"", "\"\""));
    CHECK(refuses("{\"v\"", " {\"v\""));
    CHECK(audit::parse_line(good + " ", r).has_value());
    CHECK(refuses(std::string(64, '0') + "\"}", std::string(63, '0') + "A\"}"));
}

TEST_CASE("writing: create, append, read, verify with the auditor key, checkpoint") {
    TestHome h;
    tapekey::test::CountingRng rng(1);
    const SecretBytes k0 = tapekey::KeyUseLog::create(h.home, rng, "init");
    REQUIRE(k0.size() == 32);
    struct stat st {};
    for (const auto& p : {h.home.log_file(), h.home.log_key(), tapekey::auditor_key_file(h.home)}) {
        REQUIRE(::stat(p.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }
    REQUIRE(::stat(h.home.log_dir().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    CHECK(tapekey::read_auditor_key(tapekey::auditor_key_file(h.home)) == k0);

    tapekey::KeyUseLog log(h.home, "drive load");
    CHECK(log.append("drive.load", {{"device", "/dev/sg3"}, {"generation", "G1"}}) == 1);
    const std::string cp1 = tapekey::log_checkpoint(h.home.log_file());
    CHECK(log.append("drive.clear", {{"device", "/dev/sg3"}}) == 2);
    CHECK_FALSE(log.record("drive.probe", {}).has_value());

    const auto r = tapekey::verify_log(h.home.log_file(), &k0, cp1);
    CHECK(r.ok());
    CHECK(r.entries == 4);
    std::vector<std::string> events;
    tapekey::read_log(h.home.log_file(), [&](const tapekey::LogEntry& e) {
        events.push_back(e.event);
        CHECK(e.command == (e.seq == 0 ? "init" : "drive load"));
    });
    CHECK(events == std::vector<std::string>{"log.create", "drive.load", "drive.clear", "drive.probe"});

    // another key does not verify it
    const SecretBytes other = SecretBytes::copy_of(std::vector<std::uint8_t>(32, 7));
    const auto bad = tapekey::verify_log(h.home.log_file(), &other);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.problem->entry == 0);
    CHECK(bad.problem->message("keyuse.log").starts_with("keyuse.log entry 0 (line 1, byte 0): mac does not match"));

    // a second log in the same home is refused
    CHECK_THROWS_AS((void)tapekey::KeyUseLog::create(h.home, rng), tapekey::Error);

    // secrets are refused as names; a bad event name is a usage error
    try {
        (void)log.append("Drive Load", {});
        FAIL("accepted");
    } catch (const tapekey::Error& e) {
        CHECK(e.code() == Errc::usage);
    }
    CHECK(tapekey::verify_log(h.home.log_file(), &k0).entries == 4);  // nothing written
}

TEST_CASE("the auditor key is exported once, and the export is in the log") {
    TestHome h;
    tapekey::test::CountingRng rng(2);
    const SecretBytes k0 = tapekey::KeyUseLog::create(h.home, rng);
    const auto out = h.dir.path / "auditor.key";
    tapekey::export_auditor_key(h.home, out);
    CHECK(tapekey::read_auditor_key(out) == k0);
    try {
        tapekey::export_auditor_key(h.home, h.dir.path / "again.key");
        FAIL("exported twice");
    } catch (const tapekey::Error& e) {
        CHECK(e.code() == Errc::state);
        CHECK(std::string(e.what()).starts_with("the auditor key was already exported (keyuse.log entry 1,"));
    }
    CHECK_FALSE(fs::exists(h.dir.path / "again.key"));
    CHECK(tapekey::verify_log(h.home.log_file(), &k0).ok());
}

TEST_CASE("crash consistency: a lagging key state rolls forward, a leading one is refused") {
    TestHome h;
    tapekey::test::CountingRng rng(3);
    const SecretBytes k0 = tapekey::KeyUseLog::create(h.home, rng);
    tapekey::KeyUseLog log(h.home, "test");
    (void)log.append("test.a", {});
    const std::string state_before = slurp(h.home.log_key());
    const std::string log_before = slurp(h.home.log_file());
    (void)log.append("test.b", {});

    SUBCASE("the state lags by one entry (crash between the log and the state)") {
        spill(h.home.log_key(), state_before);
        (void)log.append("test.c", {});
        const auto r = tapekey::verify_log(h.home.log_file(), &k0);
        CHECK(r.ok());
        CHECK(r.entries == 4);
    }
    SUBCASE("the last entry removed: the state leads, append refuses and writes nothing") {
        spill(h.home.log_file(), log_before);
        try {
            (void)log.append("test.c", {});
            FAIL("appended");
        } catch (const tapekey::Error& e) {
            CHECK(e.code() == Errc::integrity);
            CHECK(std::string(e.what()).find("entries were removed from its end") != std::string::npos);
        }
        CHECK(slurp(h.home.log_file()) == log_before);
    }
    SUBCASE("the last entry changed: append refuses") {
        std::string text = slurp(h.home.log_file());
        text.replace(text.rfind("test.b"), 6, "test.x");
        spill(h.home.log_file(), text);
        CHECK_THROWS_AS((void)log.append("test.c", {}), tapekey::Error);
    }
    SUBCASE("a damaged state slot: the other slot holds the previous state") {
        std::string state = slurp(h.home.log_key());
        // entry 3 is next: slot 1 holds it; tear it
        state[audit::slot_length + 50] ^= 1;
        // the zeroed slot 0 must then hold the previous state for a roll-forward
        state.replace(0, audit::slot_length, state_before.substr(0, audit::slot_length));
        spill(h.home.log_key(), state);
        (void)log.append("test.c", {});
        CHECK(tapekey::verify_log(h.home.log_file(), &k0).ok());
    }
    SUBCASE("both slots damaged: refused") {
        spill(h.home.log_key(), std::string(audit::state_length, '\0'));
        CHECK_THROWS_AS((void)log.append("test.c", {}), tapekey::Error);
    }
}

TEST_CASE("a torn tail is reported with its offset, then sealed by the next append, never dropped") {
    TestHome h;
    tapekey::test::CountingRng rng(4);
    const SecretBytes k0 = tapekey::KeyUseLog::create(h.home, rng);
    tapekey::KeyUseLog log(h.home, "test");
    (void)log.append("test.a", {});
    const std::string whole = slurp(h.home.log_file());
    const std::string state = slurp(h.home.log_key());
    (void)log.append("test.b", {});
    const std::string after = slurp(h.home.log_file());
    const std::string entry2 = after.substr(whole.size());

    for (const std::size_t cut : {std::size_t{1}, std::size_t{100}, entry2.size() - 1}) {
        CAPTURE(cut);
        // as after a power loss in the middle of writing entry 2
        spill(h.home.log_file(), whole + entry2.substr(0, cut));
        spill(h.home.log_key(), state);
        auto r = tapekey::verify_log(h.home.log_file(), &k0);
        REQUIRE_FALSE(r.ok());
        CHECK(r.entries == 2);
        CHECK(r.problem->offset == whole.size());
        CHECK(r.problem->what == "torn last line at byte " + std::to_string(whole.size()) + " (" +
                                     std::to_string(cut) + " bytes, no line feed): a write was interrupted");
        CHECK_THROWS_AS(tapekey::read_log(h.home.log_file(), [](const tapekey::LogEntry&) {}), tapekey::Error);

        CHECK(log.append("test.c", {}) == 3);
        const std::string sealed = slurp(h.home.log_file());
        CHECK(sealed.substr(0, whole.size() + cut) == whole + entry2.substr(0, cut));  // kept byte for byte
        r = tapekey::verify_log(h.home.log_file(), &k0);
        CHECK(r.ok());
        CHECK(r.entries == 4);
        REQUIRE(r.notes.size() == 1);
        CHECK(r.notes[0] == "torn line at byte " + std::to_string(whole.size()) + " (" + std::to_string(cut) +
                                " bytes) sealed by entry 2");
        std::vector<std::string> events;
        tapekey::read_log(h.home.log_file(), [&](const tapekey::LogEntry& e) { events.push_back(e.event); });
        CHECK(events == std::vector<std::string>{"log.create", "test.a", "log.torn_tail", "test.c"});
    }
}

// Section 12's claims, exhaustively over a log of 1,000 entries: every
// single-bit change of every byte and every value of every byte of three
// entries; every line deletion; every swap of two lines; every truncation
// (against a checkpoint). Each is verified in process from the saved
// verifier state of the first line it touches, and must be reported at the
// entry that holds the change.
TEST_CASE("mutations of a 1,000-entry log are all detected at the right entry") {
    constexpr std::size_t n = 1000;
#ifdef TAPEKEY_LOG_TEST_SAMPLED
    // The sanitizer build runs the same code on every 16th case (it is ~20
    // times slower); the release build runs every case.
    constexpr std::size_t stride = 16;
#else
    constexpr std::size_t stride = 1;
#endif
    audit::Chain chain;
    const std::vector<std::uint8_t> k0v(32, 0x5A);
    const SecretBytes k0 = SecretBytes::copy_of(k0v);
    SecretBytes k = k0.clone();
    std::string text;
    std::vector<std::size_t> start;
    audit::Hash prev{};
    const char* events[] = {"drive.load", "drive.clear", "generation.state", "restore.share"};
    for (std::size_t i = 0; i < n; ++i) {
        const tapekey::LogFields fields = {{"device", "/dev/sg" + std::to_string(i % 4)},
                                           {"volume", "A" + std::to_string(10000 + i) + "L4"},
                                           {"note", i % 7 == 0 ? "tab\there \"q\" caf\xc3\xa9" : "plain"}};
        audit::NewEntry e;
        e.seq = i;
        e.time = "2026-11-29T10:00:00.000000Z";
        e.time[17] = static_cast<char>('0' + i % 6);
        e.host = "vault";
        e.user = "bacula";
        e.command = "test";
        e.event = i == 0 ? "log.create" : events[i % 4];
        e.fields = i == 0 ? nullptr : &fields;
        e.prev = prev;
        std::string line = audit::encode_body(e);
        prev = chain.entry_hash(bytes(line));
        audit::finish_line(line, chain.mac(k.expose(), i, prev));
        chain.evolve(k.expose());
        start.push_back(text.size());
        text += line;
    }
    start.push_back(text.size());

    // The verifier's state before each line.
    std::vector<audit::VerifyState> before;
    {
        audit::Verifier v(&k0);
        for (std::size_t i = 0; i < n; ++i) {
            before.push_back(v.state().clone());
            REQUIRE(v.feed(std::string_view(text).substr(start[i], start[i + 1] - start[i]), false) ==
                    start[i + 1] - start[i]);
        }
        const auto r = v.report();
        REQUIRE(r.ok());
        REQUIRE(r.entries == n);
    }
    TempDir d;
    const std::string checkpoint = verify_text(d.path / "full.log", text, &k0).checkpoint;

    // Verifies `pieces` (the log from line `from` on) from the saved state
    // and returns the entry of the first problem, or -1.
    const auto first_bad = [&](std::size_t from, std::initializer_list<std::string_view> pieces, bool key,
                               bool with_checkpoint = false) -> long {
        audit::VerifyState s = before[from].clone();
        if (!key) {
            s.key.reset();
        }
        audit::Verifier v(std::move(s));
        if (with_checkpoint) {
            v.expect_checkpoint(checkpoint);
        }
        std::size_t left = pieces.size();
        for (const auto piece : pieces) {
            --left;
            const std::size_t used = v.feed(piece, left == 0);
            if (v.failed()) {
                break;
            }
            REQUIRE(used == piece.size());
        }
        if (v.failed()) {
            return static_cast<long>(v.problem()->entry);
        }
        const auto r = v.report();  // the end of the log, and the checkpoint's size
        return r.ok() ? -1 : static_cast<long>(r.problem->entry);
    };
    const auto line_of = [&](std::size_t byte) {
        return static_cast<std::size_t>(std::upper_bound(start.begin(), start.end(), byte) - start.begin() - 1);
    };

    long missed = 0;
    long wrong_entry = 0;
    const auto expect = [&](long got, long want) {
        missed += got < 0;
        wrong_entry += got >= 0 && got != want;
    };
    const auto mutate = [&](std::size_t at, std::uint8_t value, bool key) {
        const std::size_t i = line_of(at);
        const char old = text[at];
        text[at] = static_cast<char>(value);
        const long got = first_bad(i, {std::string_view(text).substr(start[i])}, key);
        text[at] = old;
        return std::pair<long, std::size_t>{got, i};
    };

    SUBCASE("every single-bit change of every byte, with the auditor key") {
        for (std::size_t at = 0; at < text.size(); at += stride) {
            for (int bit = 0; bit < 8; ++bit) {
                const auto [got, i] = mutate(at, static_cast<std::uint8_t>(text[at] ^ (1 << bit)), true);
                expect(got, static_cast<long>(i));
            }
        }
        CHECK(missed == 0);
        CHECK(wrong_entry == 0);
    }
    SUBCASE("every value of every byte of the first, a middle and the last entry") {
        for (const std::size_t line : {std::size_t{0}, std::size_t{500}, n - 1}) {
            for (std::size_t at = start[line]; at < start[line + 1]; at += stride) {
                for (unsigned value = 0; value < 256; ++value) {
                    if (value == static_cast<unsigned char>(text[at])) {
                        continue;
                    }
                    const auto [got, i] = mutate(at, static_cast<std::uint8_t>(value), true);
                    expect(got, static_cast<long>(i));
                }
            }
        }
        CHECK(missed == 0);
        CHECK(wrong_entry == 0);
    }
    SUBCASE("without the key: the chain names the entry or the next one; the last needs a checkpoint") {
        // The mac value is outside the chain (section 4.2): without the key
        // a changed mac is not seen; with it, it is (the cases above).
        long beyond = 0;
        long mac_changes = 0;
        for (std::size_t at = 0; at < text.size(); at += 3) {
            const std::size_t i = line_of(at);
            if (at >= start[i + 1] - 67 && at < start[i + 1] - 3) {
                ++mac_changes;
                continue;
            }
            const char old = text[at];
            text[at] = static_cast<char>(old ^ 0x04);
            long got = first_bad(i, {std::string_view(text).substr(start[i])}, false);
            if (got < 0 && i == n - 1) {
                got = first_bad(i, {std::string_view(text).substr(start[i])}, false, true);
            }
            text[at] = old;
            missed += got < 0;
            beyond += got >= 0 && got != static_cast<long>(i) && got != static_cast<long>(i + 1);
        }
        CHECK(missed == 0);
        CHECK(beyond == 0);
        CHECK(mac_changes > 20000);
        const char digit = text[start[7] - 10];  // a digit of entry 6's mac
        text[start[7] - 10] = digit == '0' ? '1' : '0';
        CHECK(first_bad(0, {text}, false) == -1);
        CHECK(first_bad(0, {text}, true) == 6);
        text[start[7] - 10] = digit;
    }
    SUBCASE("every line deletion") {
        const std::string_view t(text);
        for (std::size_t i = 0; i + 1 < n; ++i) {
            expect(first_bad(i, {t.substr(start[i + 1])}, true), static_cast<long>(i));
        }
        // the last line: only the checkpoint notices
        CHECK(first_bad(n - 1, {t.substr(start[n])}, true) == -1);
        expect(first_bad(n - 1, {t.substr(start[n])}, true, true), static_cast<long>(n - 1));
        CHECK(missed == 0);
        CHECK(wrong_entry == 0);
    }
    SUBCASE("every swap of two lines") {
        const std::string_view t(text);
        const auto piece = [&](std::size_t a, std::size_t b) { return t.substr(start[a], start[b] - start[a]); };
        for (std::size_t i = 0; i < n; i += stride) {
            for (std::size_t j = i + 1; j < n; ++j) {
                expect(first_bad(i, {piece(j, j + 1), piece(i + 1, j), piece(i, i + 1), piece(j + 1, n)}, true),
                       static_cast<long>(i));
            }
        }
        CHECK(missed == 0);
        CHECK(wrong_entry == 0);
    }
    SUBCASE("the parallel verifier finds what one verifier finds, at the same entry, line and byte") {
        const auto same = [&](std::string_view log, bool key, bool with_checkpoint) {
            audit::Verifier serial(key ? &k0 : nullptr);
            if (with_checkpoint) {
                serial.expect_checkpoint(checkpoint);
            }
            (void)serial.feed(log, true);
            const auto want = serial.report();
            for (const unsigned threads : {2u, 3u, 7u}) {
                const auto got = audit::Verifier::parallel(log, key ? &k0 : nullptr,
                                                           with_checkpoint ? std::optional<std::string_view>(checkpoint)
                                                                           : std::nullopt,
                                                           threads);
                REQUIRE(got.ok() == want.ok());
                CHECK(got.entries == want.entries);
                CHECK(got.checkpoint == want.checkpoint);
                CHECK(got.first_time == want.first_time);
                CHECK(got.last_time == want.last_time);
                if (!want.ok()) {
                    CHECK(got.problem->entry == want.problem->entry);
                    CHECK(got.problem->line == want.problem->line);
                    CHECK(got.problem->offset == want.problem->offset);
                    CHECK(got.problem->what == want.problem->what);
                }
            }
            return want.ok();
        };
        CHECK(same(text, true, true));
        CHECK(same(text, false, false));
        long found = 0;
        for (std::size_t at = 0; at < text.size(); at += 211 * stride) {  // changed bytes everywhere, both modes
            const char old = text[at];
            text[at] = static_cast<char>(old ^ 0x10);
            found += !same(text, at % 2 == 0, at % 3 == 0);
            text[at] = old;
        }
        CHECK(found > static_cast<long>(text.size() / (211 * stride)) * 9 / 10);
        for (const std::size_t line : {std::size_t{1}, std::size_t{332}, std::size_t{333}, std::size_t{499},
                                       std::size_t{500}, std::size_t{501}, n - 1}) {
            std::string removed = text;  // deletions around the chunk boundaries
            removed.erase(start[line], start[line + 1] - start[line]);
            CHECK_FALSE(same(removed, line % 2 == 0, true));
            std::string truncated = text.substr(0, start[line] + 17);
            CHECK_FALSE(same(truncated, true, false));
        }
        CHECK_FALSE(same(text.substr(0, start[700]), false, true));
    }
    SUBCASE("every truncation, against a checkpoint of the whole log") {
        const std::string_view t(text);
        for (std::size_t cut = 0; cut < text.size(); cut += stride) {
            const std::size_t i = line_of(cut);
            expect(first_bad(i, {t.substr(start[i], cut - start[i])}, true, true), static_cast<long>(i));
        }
        // without the checkpoint a cut at a line boundary is a shorter valid log
        CHECK(first_bad(500, {t.substr(start[500], 0)}, true) == -1);
        CHECK(missed == 0);
        CHECK(wrong_entry == 0);
    }
}
