// The TCMU ring (emu/tcmu/ring.cpp) against hand-built shared areas laid out
// as linux/target_core_user.h says the kernel lays them out: mailbox, ring of
// 8-byte-aligned entries with the CDB after the iovecs, data area beyond.
// Covers scattered data-in and data-out, short reads with CHECK CONDITION,
// PAD entries and wrap-around (a producer that fills the ring many times
// over), TMR entries, and the offsets a confused kernel could send.
#include <doctest/doctest.h>

#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <vector>

#include "ring.h"
#include "tapekey/error.h"
#include "uapi.h"

using tapeemu::Result;
using tapeemu::tcmu::DrainStats;
using tapeemu::tcmu::Ring;

namespace {

const tapeemu_tcmu_layout& L = tapeemu_tcmu;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t cmdr_off = 128;
constexpr std::uint32_t data_off = 8192;

// A shared area and a kernel-side producer writing into it.
struct Area {
    std::vector<std::uint64_t> words;  // 8-byte aligned storage
    std::span<std::uint8_t> bytes;
    std::uint32_t cmdr_size;
    std::uint32_t head = 0;
    std::uint32_t data_next = data_off;
    // The iovecs of each entry, by entry offset, as queued: the response
    // overwrites them in the ring (req and rsp share bytes).
    std::map<std::uint32_t, std::vector<iovec>> iovs;

    explicit Area(std::uint32_t ring_size = 1024, std::uint16_t flags = tapeemu_tcmu.cap_read_len,
                  std::uint16_t version = tapeemu_tcmu.mailbox_version)
        : words(65536 / 8), bytes(reinterpret_cast<std::uint8_t*>(words.data()), 65536), cmdr_size(ring_size) {
        put(L.mb_version, version);
        put(L.mb_flags, flags);
        put(L.mb_cmdr_off, cmdr_off);
        put(L.mb_cmdr_size, cmdr_size);
    }
    template <typename T>
    void put(std::size_t at, T v) {
        std::memcpy(bytes.data() + at, &v, sizeof v);
    }
    template <typename T>
    T get(std::size_t at) const {
        T v;
        std::memcpy(&v, bytes.data() + at, sizeof v);
        return v;
    }
    std::uint32_t tail() const { return get<std::uint32_t>(L.mb_cmd_tail); }
    void publish() { put(L.mb_cmd_head, head); }

    // As the kernel sizes it: room for the whole entry structure (the
    // response) or for the iovecs, whichever is larger, then the CDB.
    static std::size_t cdb_at(std::size_t iovs) {
        return std::max<std::size_t>(L.req_iov + iovs * sizeof(iovec), L.entry_size);
    }
    static std::uint32_t entry_size(std::size_t iovs, std::size_t cdb_len) {
        const std::size_t n = cdb_at(iovs) + cdb_len;
        return static_cast<std::uint32_t>((n + 7) / 8 * 8);
    }
    // Writes a PAD entry to the end of the ring when `need` does not fit.
    void make_room(std::uint32_t need) {
        if (head + need > cmdr_size) {
            put(cmdr_off + head, (cmdr_size - head) | L.op_pad);
            head = 0;
        }
    }
    // Queues a command with its buffer split into `pieces` (bytes each);
    // data-out pieces are filled from `out`. Returns the entry's offset.
    std::uint32_t command(const Bytes& cdb_bytes, const std::vector<std::size_t>& pieces, const Bytes& out = {}) {
        const std::uint32_t len = entry_size(pieces.size(), cdb_bytes.size());
        make_room(len);
        const std::uint32_t at = head;
        const std::size_t e = cmdr_off + at;
        std::memset(bytes.data() + e, 0, len);
        put(e, len | L.op_cmd);
        put(e + L.req_iov_cnt, static_cast<std::uint32_t>(pieces.size()));
        std::size_t o = 0;
        iovs[at].clear();
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            iovec v{reinterpret_cast<void*>(std::uintptr_t{data_next}), pieces[i]};
            put(e + L.req_iov + i * sizeof(iovec), v);
            iovs[at].push_back(v);
            for (std::size_t k = 0; k < pieces[i]; ++k) {
                bytes[data_next + k] = o < out.size() ? out[o++] : 0xEE;
            }
            data_next += static_cast<std::uint32_t>(pieces[i]) + 64;  // not contiguous on purpose
        }
        const std::size_t cdb = e + cdb_at(pieces.size());
        std::memcpy(bytes.data() + cdb, cdb_bytes.data(), cdb_bytes.size());
        put(e + L.req_cdb_off, std::uint64_t{cdb});
        head = (head + len) % cmdr_size;
        publish();
        return at;
    }
    std::uint8_t status(std::uint32_t at) const {
        return bytes[cmdr_off + at + L.rsp_scsi_status];
    }
    std::uint8_t uflags(std::uint32_t at) const {
        return bytes[cmdr_off + at + L.hdr_uflags];
    }
    std::uint32_t read_len(std::uint32_t at) const {
        return get<std::uint32_t>(cmdr_off + at + L.rsp_read_len);
    }
    Bytes sense(std::uint32_t at) const {
        const auto* p = bytes.data() + cmdr_off + at + L.rsp_sense_buffer;
        return Bytes(p, p + L.sense_size);
    }
    iovec iov(std::uint32_t at, std::size_t i) const { return iovs.at(at).at(i); }
    Bytes piece(const iovec& v) const {
        const auto off = reinterpret_cast<std::uintptr_t>(v.iov_base);
        return Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(off),
                     bytes.begin() + static_cast<std::ptrdiff_t>(off + v.iov_len));
    }
};

struct Seen {
    Bytes cdb, data_out;
    std::uint32_t alloc_len = 0;
    int calls = 0;
};

// An executor that records what it got and answers with `answer`.
tapeemu::tcmu::Executor recorder(Seen& seen, Result answer) {
    return [&seen, answer](std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> out,
                           std::uint32_t alloc) {
        seen.cdb.assign(cdb.begin(), cdb.end());
        seen.data_out.assign(out.begin(), out.end());
        seen.alloc_len = alloc;
        ++seen.calls;
        Result r = answer;
        if (r.data_in.size() > alloc) {
            r.data_in.resize(alloc);
        }
        return r;
    };
}

Bytes iota(std::size_t n, std::uint8_t from = 1) {
    Bytes b(n);
    std::iota(b.begin(), b.end(), from);
    return b;
}

}  // namespace

TEST_CASE("tcmu: CDB length follows the operation code group (SPC-4 4.2.5.1)") {
    using tapeemu::tcmu::cdb_length;
    CHECK(cdb_length(0x00) == 6);   // TEST UNIT READY
    CHECK(cdb_length(0x12) == 6);   // INQUIRY
    CHECK(cdb_length(0x34) == 10);  // READ POSITION
    CHECK(cdb_length(0x5A) == 10);  // MODE SENSE(10)
    CHECK(cdb_length(0x8C) == 16);  // READ ATTRIBUTE
    CHECK(cdb_length(0xA2) == 12);  // SECURITY PROTOCOL IN
    CHECK(cdb_length(0xB5) == 12);  // SECURITY PROTOCOL OUT
    CHECK(cdb_length(0x7F) == 0);   // variable length
    CHECK(tapeemu::tcmu::is_data_out(0x0A));
    CHECK(tapeemu::tcmu::is_data_out(0xB5));
    CHECK_FALSE(tapeemu::tcmu::is_data_out(0x08));
    CHECK_FALSE(tapeemu::tcmu::is_data_out(0xA2));
}

TEST_CASE("tcmu: data-in is scattered over the iovecs and its length reported") {
    Area a;
    Ring ring(a.bytes);
    Seen seen;
    Result answer;
    answer.data_in = iota(40);
    const auto at = a.command({0x12, 0, 0, 0, 96, 0}, {16, 80});
    const DrainStats st = ring.drain(recorder(seen, answer));
    CHECK(st.commands == 1);
    CHECK(a.tail() == a.head);
    CHECK(seen.cdb == Bytes{0x12, 0, 0, 0, 96, 0});
    CHECK(seen.data_out.empty());
    CHECK(seen.alloc_len == 96);
    CHECK(a.status(at) == 0);
    CHECK((a.uflags(at) & L.uflag_read_len) != 0);
    CHECK(a.read_len(at) == 40);
    const Bytes all = iota(40);
    CHECK(a.piece(a.iov(at, 0)) == Bytes(all.begin(), all.begin() + 16));
    const Bytes second = a.piece(a.iov(at, 1));
    CHECK(Bytes(second.begin(), second.begin() + 24) == Bytes(all.begin() + 16, all.end()));
}

TEST_CASE("tcmu: data-out is gathered from the iovecs, then wiped; nothing is reported back") {
    Area a;
    Ring ring(a.bytes);
    Seen seen;
    const Bytes page = iota(52, 0x30);
    const auto at = a.command({0xB5, 0x20, 0x00, 0x10, 0, 0, 0, 0, 0, 52, 0, 0}, {20, 32}, page);
    ring.drain(recorder(seen, {}));
    CHECK(seen.data_out == page);
    CHECK(seen.alloc_len == 0);
    CHECK(seen.cdb.size() == 12);
    CHECK(a.status(at) == 0);
    CHECK((a.uflags(at) & L.uflag_read_len) == 0);
    // A SECURITY PROTOCOL OUT page holds the key: not left in the shared area.
    CHECK(a.piece(a.iov(at, 0)) == Bytes(20, 0));
    CHECK(a.piece(a.iov(at, 1)) == Bytes(32, 0));
}

TEST_CASE("tcmu: CHECK CONDITION carries the sense and the data transferred before it") {
    Area a;
    Ring ring(a.bytes);
    Seen seen;
    Result answer;
    answer.status = tapeemu::status_check_condition;
    answer.sense = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20, 0x00, 0, 0, 0, 0};
    answer.data_in = iota(3);
    const auto at = a.command({0x08, 0, 0, 0x10, 0, 0}, {4096});
    ring.drain(recorder(seen, answer));
    CHECK(a.status(at) == 2);
    const Bytes sense = a.sense(at);
    CHECK(Bytes(sense.begin(), sense.begin() + 18) == answer.sense);
    CHECK(a.read_len(at) == 3);
    CHECK((a.uflags(at) & L.uflag_unknown_op) == 0);  // the sense says so, not the flag
}

TEST_CASE("tcmu: without the READ_LEN capability the flag is left clear") {
    Area a(1024, 0);
    Ring ring(a.bytes);
    CHECK_FALSE(ring.reports_read_len());
    Seen seen;
    Result answer;
    answer.data_in = iota(8);
    const auto at = a.command({0x05, 0, 0, 0, 0, 0}, {6});
    ring.drain(recorder(seen, answer));
    CHECK((a.uflags(at) & L.uflag_read_len) == 0);
    CHECK(a.piece(a.iov(at, 0)) == iota(6));
}

TEST_CASE("tcmu: PAD entries and wrap-around, many times round the ring") {
    Area a(512);
    Ring ring(a.bytes);
    Seen seen;
    Result answer;
    answer.data_in = {0xAB};
    std::size_t commands = 0, pads = 0;
    for (int i = 0; i < 300; ++i) {
        a.data_next = data_off;  // the data area is reused once completed
        // 1 to 3 commands per kick, entries of different sizes
        for (int k = 0; k <= i % 3; ++k) {
            if (k % 2 == 0) {
                a.command({0x00, 0, 0, 0, 0, 0}, {});
            } else {
                a.command({0xA2, 0x20, 0, 0x20, 0, 0, 0, 0, 0x20, 0, 0, 0}, {8, 8, 16});
            }
        }
        const auto st = ring.drain(recorder(seen, answer));
        CHECK(a.tail() == a.head);
        commands += st.commands;
        pads += st.pads;
    }
    CHECK(commands == 600);
    CHECK(seen.calls == 600);
    CHECK(pads > 20);  // it did wrap, many times
}

TEST_CASE("tcmu: task management entries are skipped") {
    Area a;
    Ring ring(a.bytes);
    a.put(cmdr_off, std::uint32_t{64} | L.op_tmr);
    a.head = 64;
    a.publish();
    Seen seen;
    const auto st = ring.drain(recorder(seen, {}));
    CHECK(st.tmrs == 1);
    CHECK(seen.calls == 0);
    CHECK(a.tail() == 64);
}

TEST_CASE("tcmu: a mailbox or entry the handler does not understand stops it") {
    using tapekey::Errc;
    using tapekey::Error;
    auto device_error = [](auto&& f) {
        try {
            f();
        } catch (const Error& e) {
            CHECK(e.code() == Errc::device);
            CHECK(std::string(e.what()).find("tcmu ring") == 0);
            return;
        }
        FAIL("no error");
    };
    device_error([] { Area a(1024, 0, 1); Ring r(a.bytes); });                     // version 1
    device_error([] { Area a(65536); Ring r(a.bytes); });                          // ring past the area
    Seen seen;
    device_error([&] {
        Area a;
        Ring r(a.bytes);
        a.put(cmdr_off, L.op_cmd);  // length 0
        a.head = 64;
        a.publish();
        r.drain(recorder(seen, {}));
    });
    device_error([&] {
        Area a;
        Ring r(a.bytes);
        const auto at = a.command({0x12, 0, 0, 0, 96, 0}, {96});
        a.put(cmdr_off + at + L.req_iov,
              iovec{reinterpret_cast<void*>(std::uintptr_t{65500}), 96});
        r.drain(recorder(seen, {}));
    });
    device_error([&] {
        Area a;
        Ring r(a.bytes);
        const auto at = a.command({0x12, 0, 0, 0, 96, 0}, {96});
        a.put(cmdr_off + at + L.req_cdb_off, std::uint64_t{1} << 40);
        r.drain(recorder(seen, {}));
    });
    CHECK(seen.calls == 0);
}

TEST_CASE("tcmu: the real drive behind the ring answers INQUIRY and an unknown opcode") {
    Area a;
    Ring ring(a.bytes);
    tapeemu::Emulator drive;
    const tapeemu::tcmu::Executor exec = [&](auto cdb, auto out, auto alloc) { return drive.execute(cdb, out, alloc); };
    const auto inq = a.command({0x12, 0, 0, 0, 36, 0}, {36});
    const auto bad = a.command({0x0E, 0, 0, 0, 0, 0}, {});  // reserved in SPC-4 and SSC-4
    ring.drain(exec);
    CHECK(a.status(inq) == 0);
    CHECK((a.piece(a.iov(inq, 0))[0] & 0x1F) == 1);  // sequential-access device
    CHECK(a.status(bad) == 2);
    const Bytes s = a.sense(bad);
    CHECK((s[2] & 0x0F) == 0x05);  // ILLEGAL REQUEST
    CHECK(s[12] == 0x20);          // INVALID COMMAND OPERATION CODE
    CHECK(s[13] == 0x00);
}
