package network

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// scanPickle walks the opcodes of a pickle (protocols 0 to 5) without
// running them and checks that every length field fits in the bytes that
// remain and that the stream ends with STOP. The unpickler allocates each
// string, bytes or frame at the declared length before reading it, so a
// corrupt length could otherwise ask for gigabytes; after this scan no
// allocation exceeds the size of the pickle.
func scanPickle(data []byte) error {
	pos := 0
	need := func(n uint64) error {
		if n > uint64(len(data)-pos) {
			return fmt.Errorf("pickle truncated or corrupt at byte %d: %d more bytes declared, %d present", pos, n, len(data)-pos)
		}
		return nil
	}
	line := func() error {
		i := bytes.IndexByte(data[pos:], '\n')
		if i < 0 {
			return fmt.Errorf("pickle truncated at byte %d: unterminated text argument", pos)
		}
		pos += i + 1
		return nil
	}
	// counted skips an n-byte little-endian length followed by that many bytes.
	counted := func(n int, signed bool) error {
		if err := need(uint64(n)); err != nil {
			return err
		}
		var l uint64
		switch n {
		case 1:
			l = uint64(data[pos])
		case 4:
			v := binary.LittleEndian.Uint32(data[pos:])
			if signed && int32(v) < 0 {
				return fmt.Errorf("pickle corrupt at byte %d: negative length", pos)
			}
			l = uint64(v)
		case 8:
			l = binary.LittleEndian.Uint64(data[pos:])
		}
		pos += n
		if err := need(l); err != nil {
			return err
		}
		pos += int(l)
		return nil
	}
	fixed := func(n int) error {
		if err := need(uint64(n)); err != nil {
			return err
		}
		pos += n
		return nil
	}
	for pos < len(data) {
		op := data[pos]
		pos++
		var err error
		switch op {
		case '.': // STOP
			return nil
		case '(', '0', '1', '2', 'N', 'Q', 'R', 'a', 'b', 'd', '}', 'e', 'l', ']', 'o', 's', 't', ')', 'u',
			0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x97, 0x98:
		case 'F', 'I', 'L', 'P', 'S', 'V', 'g', 'p': // one text line
			err = line()
		case 'c', 'i': // GLOBAL, INST: two lines
			if err = line(); err == nil {
				err = line()
			}
		case 'K', 'h', 'q', 0x80, 0x82: // one-byte argument
			err = fixed(1)
		case 'M', 0x83:
			err = fixed(2)
		case 'J', 'j', 'r', 0x84:
			err = fixed(4)
		case 'G':
			err = fixed(8)
		case 0x95: // FRAME: an 8-byte length of opcodes that follow inline
			if err = need(8); err == nil {
				l := binary.LittleEndian.Uint64(data[pos:])
				pos += 8
				err = need(l)
			}
		case 'U', 'C', 0x8c, 0x8a: // one-byte length
			err = counted(1, false)
		case 'T', 0x8b: // signed four-byte length
			err = counted(4, true)
		case 'X', 'B':
			err = counted(4, false)
		case 0x8d, 0x8e, 0x96:
			err = counted(8, false)
		default:
			return fmt.Errorf("pickle corrupt at byte %d: unknown opcode 0x%02x", pos-1, op)
		}
		if err != nil {
			return err
		}
	}
	return fmt.Errorf("pickle truncated: no STOP opcode in %d bytes", len(data))
}
