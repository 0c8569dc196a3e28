// The TCMU command ring (see ring.h). Every offset, size and flag comes from
// the kernel UAPI header linux/target_core_user.h through uapi.c (the
// header cannot be compiled as C++). Its structures are packed, so every
// field is read and written with memcpy at its offset, never through a
// pointer.
#include "ring.h"

#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "tapekey/error.h"
#include "tapekey/secret.h"
#include "uapi.h"

namespace tapeemu::tcmu {

namespace {

using tapekey::Errc;
using tapekey::Error;

[[noreturn]] void ring_error(const std::string& what) {
    throw Error(Errc::device, "tcmu ring: " + what,
                "the kernel's target_core_user and this handler disagree about the ring; "
                "check that the kernel's linux/target_core_user.h is mailbox version 2");
}

template <typename T>
T load(std::span<const std::uint8_t> area, std::size_t at) {
    T v;
    std::memcpy(&v, area.data() + at, sizeof v);
    return v;
}

template <typename T>
void store(std::span<std::uint8_t> area, std::size_t at, T v) {
    std::memcpy(area.data() + at, &v, sizeof v);
}

// True when [at, at + n) lies inside a region of `size` bytes.
bool inside(std::uint64_t at, std::uint64_t n, std::uint64_t size) noexcept {
    return at <= size && n <= size - at;
}

const tapeemu_tcmu_layout& L = tapeemu_tcmu;

// The mailbox's cmd_head and cmd_tail are naturally aligned 32-bit words
// (offsets 12 and 64 of a page-aligned area): the kernel publishes cmd_head
// after writing the entry (acquire here), and reads cmd_tail after we have
// written the response (release here).
std::uint32_t load_acquire(std::span<std::uint8_t> area, std::size_t at) {
    return __atomic_load_n(reinterpret_cast<const std::uint32_t*>(area.data() + at), __ATOMIC_ACQUIRE);
}
void store_release(std::span<std::uint8_t> area, std::size_t at, std::uint32_t v) {
    __atomic_store_n(reinterpret_cast<std::uint32_t*>(area.data() + at), v, __ATOMIC_RELEASE);
}

}  // namespace

std::size_t cdb_length(std::uint8_t opcode) noexcept {
    if (opcode == 0x7F) {
        return 0;
    }
    switch (opcode >> 5) {
    case 0: return 6;
    case 1:
    case 2: return 10;
    case 4: return 16;
    case 5: return 12;
    default: return 10;  // 3 (reserved), 6 and 7 (vendor specific)
    }
}

bool is_data_out(std::uint8_t opcode) noexcept {
    switch (opcode) {
    case 0x0A:  // WRITE(6), SSC-4 implicit address command set
    case 0x15:  // MODE SELECT(6), SPC-4
    case 0x1D:  // SEND DIAGNOSTIC, SPC-4
    case 0x3B:  // WRITE BUFFER, SPC-4
    case 0x55:  // MODE SELECT(10), SPC-4
    case 0xB5:  // SECURITY PROTOCOL OUT, SPC-4 6.31
        return true;
    default:
        return false;
    }
}

Ring::Ring(std::span<std::uint8_t> shared) : m_shared(shared) {
    if (shared.size() < L.mailbox_size) {
        ring_error("shared area of " + std::to_string(shared.size()) + " bytes is smaller than the mailbox");
    }
    const auto version = load<std::uint16_t>(shared, L.mb_version);
    if (version != L.mailbox_version) {
        ring_error("mailbox version " + std::to_string(version) + ", expected " +
                   std::to_string(L.mailbox_version));
    }
    m_cmdr_off = load<std::uint32_t>(shared, L.mb_cmdr_off);
    m_cmdr_size = load<std::uint32_t>(shared, L.mb_cmdr_size);
    if (m_cmdr_size == 0 || m_cmdr_size % L.op_align != 0 || m_cmdr_off < L.mailbox_size ||
        !inside(m_cmdr_off, m_cmdr_size, shared.size())) {
        ring_error("command ring at " + std::to_string(m_cmdr_off) + " of " + std::to_string(m_cmdr_size) +
                   " bytes does not fit the " + std::to_string(shared.size()) + "-byte area");
    }
    m_read_len = (load<std::uint16_t>(shared, L.mb_flags) & L.cap_read_len) != 0;
}

DrainStats Ring::drain(const Executor& execute) {
    DrainStats stats;
    const std::uint32_t head = load_acquire(m_shared, L.mb_cmd_head);
    std::uint32_t tail = load<std::uint32_t>(m_shared, L.mb_cmd_tail);
    if (head >= m_cmdr_size || head % L.op_align != 0) {
        ring_error("cmd_head " + std::to_string(head) + " is not an entry offset");
    }
    while (tail != head) {
        if (tail >= m_cmdr_size || tail % L.op_align != 0 || !inside(tail, L.hdr_size, m_cmdr_size)) {
            ring_error("cmd_tail " + std::to_string(tail) + " is not an entry offset");
        }
        const auto len_op = load<std::uint32_t>(m_shared, m_cmdr_off + tail);
        const std::uint32_t length = len_op & ~L.op_mask;
        const std::uint32_t op = len_op & L.op_mask;
        if (length == 0 || length % L.op_align != 0 || !inside(tail, length, m_cmdr_size)) {
            ring_error("entry at " + std::to_string(tail) + " has length " + std::to_string(length));
        }
        if (op == L.op_pad) {
            ++stats.pads;
        } else if (op == L.op_cmd) {
            complete(tail, length, execute);
            ++stats.commands;
        } else if (op == L.op_tmr) {
            ++stats.tmrs;
        } else {
            ring_error("entry at " + std::to_string(tail) + " has unknown type " + std::to_string(op));
        }
        tail = (tail + length) % m_cmdr_size;
        store_release(m_shared, L.mb_cmd_tail, tail);
    }
    return stats;
}

void Ring::complete(std::uint32_t at, std::uint32_t length, const Executor& execute) {
    const std::size_t entry = m_cmdr_off + std::size_t{at};
    const std::span<std::uint8_t> e = m_shared.subspan(entry, length);
    if (length < L.entry_size) {
        ring_error("command entry at " + std::to_string(at) + " is " + std::to_string(length) + " bytes");
    }
    // Everything in req is read before rsp is written: they share bytes.
    const auto iov_cnt = load<std::uint32_t>(e, L.req_iov_cnt);
    const auto iov_all = std::uint64_t{iov_cnt} + load<std::uint32_t>(e, L.req_iov_bidi_cnt) +
                         load<std::uint32_t>(e, L.req_iov_dif_cnt);
    if (!inside(L.req_iov, iov_all * L.iovec_size, length)) {
        ring_error("command entry at " + std::to_string(at) + " lists " + std::to_string(iov_all) +
                   " iovecs in " + std::to_string(length) + " bytes");
    }
    struct Piece {
        std::size_t at, size;
    };
    std::vector<Piece> pieces;
    std::uint64_t total = 0;
    for (std::uint32_t i = 0; i < iov_cnt; ++i) {
        const auto v = load<iovec>(e, L.req_iov + i * L.iovec_size);
        const auto off = reinterpret_cast<std::uintptr_t>(v.iov_base);  // an offset, not an address
        if (!inside(off, v.iov_len, m_shared.size())) {
            ring_error("iovec " + std::to_string(i) + " of the entry at " + std::to_string(at) +
                       " points outside the data area");
        }
        pieces.push_back({static_cast<std::size_t>(off), v.iov_len});
        total += v.iov_len;
    }
    if (total > UINT32_MAX) {
        ring_error("entry at " + std::to_string(at) + " carries " + std::to_string(total) + " bytes");
    }

    const auto cdb_off = load<std::uint64_t>(e, L.req_cdb_off);
    if (!inside(cdb_off, 1, m_shared.size())) {
        ring_error("cdb of the entry at " + std::to_string(at) + " is outside the area");
    }
    std::size_t cdb_len = cdb_length(m_shared[cdb_off]);
    if (cdb_len == 0 && inside(cdb_off, 8, m_shared.size())) {
        cdb_len = 8 + std::size_t{m_shared[cdb_off + 7]};
    }
    if (cdb_len == 0 || !inside(cdb_off, cdb_len, m_shared.size())) {
        ring_error("cdb of the entry at " + std::to_string(at) + " is outside the area");
    }
    const std::vector<std::uint8_t> cdb(m_shared.begin() + static_cast<std::ptrdiff_t>(cdb_off),
                                        m_shared.begin() + static_cast<std::ptrdiff_t>(cdb_off + cdb_len));

    const bool out = is_data_out(cdb[0]);
    std::vector<std::uint8_t> data_out;
    if (out) {
        data_out.reserve(static_cast<std::size_t>(total));
        for (const auto& p : pieces) {
            const auto from = m_shared.subspan(p.at, p.size);
            data_out.insert(data_out.end(), from.begin(), from.end());
        }
    }
    // Data-out may be a SECURITY PROTOCOL OUT page holding a key: wipe our
    // copy and the kernel's data area once the drive has it, on every path.
    struct Wipe {
        std::vector<std::uint8_t>& copy;
        const std::vector<Piece>& shared;
        std::span<std::uint8_t> area;
        bool out;
        ~Wipe() {
            tapekey::secure_wipe(copy);
            for (const auto& p : shared) {
                if (out) {
                    tapekey::secure_wipe(area.subspan(p.at, p.size));
                }
            }
        }
    };
    const Wipe wipe{data_out, pieces, m_shared, out};
    const Result r = execute(cdb, data_out, out ? 0 : static_cast<std::uint32_t>(total));

    std::uint32_t read_len = 0;
    if (!out) {
        std::span<const std::uint8_t> rest = r.data_in;
        for (const auto& p : pieces) {
            const std::size_t n = std::min(p.size, rest.size());
            std::copy_n(rest.begin(), n, m_shared.begin() + static_cast<std::ptrdiff_t>(p.at));
            rest = rest.subspan(n);
            read_len += static_cast<std::uint32_t>(n);
        }
    }
    store<std::uint8_t>(e, L.rsp_scsi_status, r.status);
    std::uint8_t uflags = load<std::uint8_t>(e, L.hdr_uflags);
    if (m_read_len && !out) {
        // The kernel then completes with this length (a residue for the
        // initiator) and passes the data-in even with CHECK CONDITION, as a
        // drive does for a READ that met a filemark or a shorter block.
        store<std::uint32_t>(e, L.rsp_read_len, read_len);
        uflags |= L.uflag_read_len;
    }
    store<std::uint8_t>(e, L.hdr_uflags, uflags);
    std::fill_n(e.begin() + L.rsp_sense_buffer, L.sense_size, std::uint8_t{0});
    std::copy_n(r.sense.begin(), std::min<std::size_t>(r.sense.size(), L.sense_size), e.begin() + L.rsp_sense_buffer);
}

}  // namespace tapeemu::tcmu
