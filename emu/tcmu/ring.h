// The TCMU command ring: how the kernel's target_core_user (TCMU) hands SCSI
// commands to a user-space handler, and how the handler answers them.
//
// Everything here follows the kernel UAPI header linux/target_core_user.h
// (mailbox version 2, Linux 6.1; read through uapi.c) and nothing else; no
// operating-system calls, so the ring logic is tested on the host against hand-built rings
// (tests/unit/tcmu_ring_test.cpp), and main.cpp adds /dev/uioN and mmap().
//
// The shared area, as the UAPI header lays it out:
//   offset 0          struct tcmu_mailbox: version, flags, cmdr_off,
//                     cmdr_size, cmd_head (kernel writes), cmd_tail (we write)
//   cmdr_off          the command ring, cmdr_size bytes, entries 8-byte aligned
//   beyond the ring   the data area; iov_base values and cdb_off are offsets
//                     from the start of the shared area, not addresses
// An entry never wraps: when one does not fit before the end of the ring,
// the kernel writes a PAD entry to the end and starts again at offset 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "core/emulator.h"

namespace tapeemu::tcmu {

// One SCSI command: the emulator's execute() signature.
using Executor = std::function<Result(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out,
                                      std::uint32_t alloc_len)>;

// The length of the CDB that starts with `opcode`, from its group code
// (SPC-4 4.2.5.1, Table 4; groups 6 and 7 are vendor specific, 10 bytes as
// Linux assumes). 0 for the variable-length CDB 7Fh, whose length is
// 8 + its byte 7 (SPC-4 4.2.3).
std::size_t cdb_length(std::uint8_t opcode) noexcept;

// True when the command moves data from the initiator to the drive (the TCMU
// entry does not say; the handler knows it from the operation code): WRITE(6)
// (SSC-4 6.x), MODE SELECT(6)/(10), WRITE BUFFER, SEND DIAGNOSTIC, SECURITY
// PROTOCOL OUT (SPC-4 6.x). Every other command's buffer is data-in.
bool is_data_out(std::uint8_t opcode) noexcept;

// Unknown operation codes are the emulator's to answer: it returns CHECK
// CONDITION with ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE (05/20/00),
// and the ring passes that sense on. TCMU_UFLAG_UNKNOWN_OP is never set:
// with it, Linux 6.1 drops our sense, logs "Userspace set UNKNOWN_OP flag"
// and the initiator gets NOT READY, LOGICAL UNIT COMMUNICATION FAILURE
// (02/08/00; seen through sg_raw in UML), which says nothing of the cause.

// What one drain() did.
struct DrainStats {
    std::size_t commands = 0;
    std::size_t pads = 0;
    std::size_t tmrs = 0;
};

// The ring in a mapped shared area. The constructor checks the mailbox
// (version 2, ring inside the area) and throws Error(device) otherwise.
class Ring {
public:
    explicit Ring(std::span<std::uint8_t> shared);

    // Completes every entry from cmd_tail up to cmd_head, in order: a command
    // goes to `execute` and its status, sense and data-in are written back
    // into the entry and its iovecs; PAD entries are skipped; TMR entries
    // (task management notices) need nothing, since no command is ever left
    // in flight. Data-out is wiped, in our copy and in the shared area, once
    // executed (it may hold a key). cmd_tail is advanced after each entry;
    // the caller then
    // tells the kernel (a 4-byte write to /dev/uioN). Throws Error(device)
    // when an entry or an offset falls outside the area: the kernel and the
    // handler disagree about the ring, and carrying on would corrupt it.
    DrainStats drain(const Executor& execute);

    // True when the kernel takes a data-in length (TCMU_MAILBOX_FLAG_CAP_READ_LEN):
    // a short READ then reports its residue and its data even with CHECK CONDITION.
    bool reports_read_len() const noexcept { return m_read_len; }
    std::uint32_t ring_size() const noexcept { return m_cmdr_size; }

private:
    void complete(std::uint32_t at, std::uint32_t length, const Executor& execute);

    std::span<std::uint8_t> m_shared;
    std::uint32_t m_cmdr_off = 0;
    std::uint32_t m_cmdr_size = 0;
    bool m_read_len = false;
};

}  // namespace tapeemu::tcmu
