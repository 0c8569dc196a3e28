// The envelope template format (docs/spec/envelope.md section 4).
#include <array>
#include <charconv>
#include <utility>

#include "envelope/envelope_impl.h"
#include "tapekey/error.h"
#include "tapekey/files.h"
#include "text.h"

namespace tapekey {
namespace detail {
namespace {

// Windows-1252 bytes 0x80..0x9F and the code points they print.
constexpr std::array<std::pair<char32_t, unsigned char>, 27> cp1252_high{{
    {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85}, {0x2020, 0x86},
    {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A}, {0x2039, 0x8B}, {0x0152, 0x8C},
    {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92}, {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95},
    {0x2013, 0x96}, {0x2014, 0x97}, {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B},
    {0x0153, 0x9C}, {0x017E, 0x9E}, {0x0178, 0x9F},
}};

// Decodes one UTF-8 character at s[i]; returns its length, 0 if malformed.
std::size_t utf8_char(std::string_view s, std::size_t i, char32_t& cp) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
        return 0;
    }
    cp = len == 1 ? char32_t{b} : (char32_t{b} & (char32_t{0x7F} >> len));
    for (std::size_t j = 1; j < len; ++j) {
        const auto c = static_cast<unsigned char>(s[i + j]);
        if ((c & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (char32_t{c} & 0x3Fu);
    }
    return len;
}

std::optional<unsigned char> winansi_of(char32_t cp) {
    if ((cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF)) {
        return static_cast<unsigned char>(cp);
    }
    for (const auto& [u, byte] : cp1252_high) {
        if (u == cp) {
            return byte;
        }
    }
    return std::nullopt;
}

constexpr std::array<std::string_view, 8> placeholder_names{"custodian", "x",           "n",  "k",
                                                              "date",      "ceremony", "fingerprint", "set"};

const std::string* value_of(std::string_view name, const PageFacts& f) {
    const std::array<const std::string*, 8> values{&f.custodian, &f.x,        &f.n,           &f.k,
                                                   &f.date,      &f.ceremony, &f.fingerprint, &f.set};
    for (std::size_t i = 0; i < placeholder_names.size(); ++i) {
        if (placeholder_names[i] == name) {
            return values[i];
        }
    }
    return nullptr;
}

// Walks `argument`, giving literal text and placeholder names to the
// callbacks; returns an error message, or nothing.
template <typename Lit, typename Ph>
std::optional<std::string> walk(std::string_view a, Lit&& literal, Ph&& placeholder) {
    for (std::size_t i = 0; i < a.size(); ++i) {
        if ((a[i] == '{' || a[i] == '}') && i + 1 < a.size() && a[i + 1] == a[i]) {
            literal(a[i]);
            ++i;
        } else if (a[i] == '{') {
            const std::size_t end = a.find('}', i);
            if (end == std::string_view::npos) {
                return "placeholder at character " + std::to_string(i + 1) + " is not closed (a brace is written {{)";
            }
            const std::string_view name = a.substr(i + 1, end - i - 1);
            if (auto err = placeholder(name)) {
                return err;
            }
            i = end;
        } else if (a[i] == '}') {
            return "character " + std::to_string(i + 1) + " is a lone } (a brace is written }})";
        } else {
            literal(a[i]);
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> to_winansi(std::string_view utf8, bool replace, std::size_t* bad) {
    std::string out;
    for (std::size_t i = 0; i < utf8.size();) {
        char32_t cp = 0;
        const std::size_t len = utf8_char(utf8, i, cp);
        const auto byte = len ? winansi_of(cp) : std::nullopt;
        if (!byte && !replace) {
            if (bad != nullptr) {
                *bad = i;
            }
            return std::nullopt;
        }
        out += byte ? static_cast<char>(*byte) : '?';
        i += len ? len : 1;
    }
    return out;
}

std::string expand(std::string_view argument, const PageFacts& facts) {
    std::string out;
    walk(
        argument, [&](char c) { out += c; },
        [&](std::string_view name) -> std::optional<std::string> {
            if (const std::string* v = value_of(name, facts)) {
                out += *v;
            }
            return std::nullopt;
        });
    return out;
}

}  // namespace detail

namespace {

using Kind = TemplateDirective::Kind;

struct Keyword {
    std::string_view word;
    Kind kind;
    enum { text, none, millimetres } argument;
    double min = 0, max = 0;
};

constexpr std::array<Keyword, 12> keywords{{
    {"title", Kind::title, Keyword::text},
    {"heading", Kind::heading, Keyword::text},
    {"text", Kind::text, Keyword::text},
    {"small", Kind::small, Keyword::text},
    {"command", Kind::command, Keyword::text},
    {"warning", Kind::warning, Keyword::text},
    {"gap", Kind::gap, Keyword::millimetres, 1, 100},
    {"rule", Kind::rule, Keyword::none},
    {"share", Kind::share, Keyword::millimetres, 60, 120},
    {"commitments", Kind::commitments, Keyword::text},
    {"box", Kind::box, Keyword::text},
    {"signatures", Kind::signatures, Keyword::text},
}};

constexpr std::string_view magic = "tapekey-envelope-template";

}  // namespace

EnvelopeTemplate EnvelopeTemplate::parse(std::string_view text, const std::string& origin) {
    EnvelopeTemplate t;
    t.m_origin = origin;
    const auto lines = detail::lines(text);
    auto fail = [&](std::size_t line, const std::string& what, Errc code = Errc::bad_format) {
        return Error(code, origin + ", line " + std::to_string(line) + ": " + what,
                     "fix the template (docs/spec/envelope.md section 4), or leave out --template for the built-in one");
    };
    if (lines.empty() || lines[0].substr(0, magic.size()) != magic) {
        throw fail(1, "this is not an envelope template (the first line must be `tapekey-envelope-template 1`)");
    }
    if (lines[0] != std::string(magic) + " 1") {
        throw fail(1, "envelope template version " + std::string(lines[0].substr(std::min(lines[0].size(), magic.size() + 1))) +
                          " is not supported (this build reads version 1)",
                   Errc::unsupported);
    }
    std::size_t shares = 0, commitments = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::size_t no = i + 1;
        std::string_view l = lines[i];
        if (!l.empty() && l.back() == '\r') {
            l.remove_suffix(1);
        }
        const std::size_t first = l.find_first_not_of(" \t");
        if (first == std::string_view::npos || l[first] == '#') {
            continue;
        }
        const std::size_t space = l.find(' ');
        const std::string_view word = l.substr(0, space);
        const std::string_view arg = space == std::string_view::npos ? std::string_view() : l.substr(space + 1);
        const Keyword* kw = nullptr;
        for (const auto& k : keywords) {
            if (k.word == word) {
                kw = &k;
            }
        }
        if (kw == nullptr) {
            throw fail(no, "unknown directive `" + std::string(word) + "`");
        }
        TemplateDirective d;
        d.kind = kw->kind;
        d.line = no;
        if (kw->argument == Keyword::none) {
            if (!arg.empty()) {
                throw fail(no, std::string(word) + " takes no argument");
            }
        } else if (arg.empty()) {
            throw fail(no, std::string(word) + " needs " + (kw->argument == Keyword::text ? "a text" : "a number of millimetres"));
        } else if (kw->argument == Keyword::millimetres) {
            double v = 0;
            const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), v);
            if (ec != std::errc() || end != arg.data() + arg.size() || v < kw->min || v > kw->max) {
                throw fail(no, std::string(word) + " takes millimetres from " + std::to_string(int(kw->min)) + " to " +
                                   std::to_string(int(kw->max)) + ", not `" + std::string(arg) + "`");
            }
            d.number = v;
        } else {
            std::size_t bad = 0;
            auto converted = detail::to_winansi(arg, false, &bad);
            if (!converted) {
                throw fail(no, "character " + std::to_string(space + 2 + bad) +
                                   " is not in Windows-1252, the font encoding of the page");
            }
            const auto err = detail::walk(
                *converted, [](char) {},
                [](std::string_view name) -> std::optional<std::string> {
                    for (const auto n : detail::placeholder_names) {
                        if (n == name) {
                            return std::nullopt;
                        }
                    }
                    return "unknown placeholder {" + std::string(name) + "}";
                });
            if (err) {
                throw fail(no, *err);
            }
            if (d.kind == Kind::signatures && converted->find(" | ") == std::string::npos) {
                throw fail(no, "signatures needs two labels separated by ` | `");
            }
            d.argument = std::move(*converted);
        }
        shares += d.kind == Kind::share;
        commitments += d.kind == Kind::commitments;
        if (shares > 1 || commitments > 1) {
            throw fail(no, std::string(word) + " may occur only once");
        }
        t.m_directives.push_back(std::move(d));
    }
    if (shares == 0) {
        throw fail(lines.size(), "the template has no `share` line: a page without the share is no envelope");
    }
    return t;
}

EnvelopeTemplate EnvelopeTemplate::load(const std::filesystem::path& path) {
    return parse(read_text_file(path, 1u << 20), path.filename().string());
}

}  // namespace tapekey
