package consentstate

import (
	"errors"
	"fmt"
	"strings"
)

// MaxStringLen caps the length of any consent string decoded: a real TC
// string with every vendor in a bitfield is under 2,000 characters; a
// GPP string with several sections stays well under 10,000.
const MaxStringLen = 64 << 10

// errTruncated is returned when a field runs past the end of its segment.
var errTruncated = errors.New("truncated")

// bitReader reads big-endian bit fields from a decoded segment.
type bitReader struct {
	b   []byte
	pos int // in bits
}

// base64Bits decodes a web-safe base64 segment into bytes, six bits per
// character, tolerating the standard alphabet's + and / and trailing =
// padding (both seen in the wild). The last byte is padded with zero bits.
func base64Bits(s string) (*bitReader, error) {
	s = strings.TrimRight(s, "=")
	if s == "" {
		return nil, errors.New("empty segment")
	}
	if len(s) > MaxStringLen {
		return nil, fmt.Errorf("segment of %d characters is longer than %d", len(s), MaxStringLen)
	}
	out := make([]byte, (len(s)*6+7)/8)
	bit := 0
	for i := 0; i < len(s); i++ {
		v, ok := b64value(s[i])
		if !ok {
			return nil, fmt.Errorf("character %q at %d is not base64", s[i], i)
		}
		for k := 5; k >= 0; k-- {
			if v>>uint(k)&1 == 1 {
				out[bit/8] |= 0x80 >> uint(bit%8)
			}
			bit++
		}
	}
	return &bitReader{b: out}, nil
}

func b64value(c byte) (int, bool) {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A'), true
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26, true
	case c >= '0' && c <= '9':
		return int(c-'0') + 52, true
	case c == '-' || c == '+':
		return 62, true
	case c == '_' || c == '/':
		return 63, true
	}
	return 0, false
}

// left is the number of bits not read yet.
func (r *bitReader) left() int { return len(r.b)*8 - r.pos }

// uint reads an n-bit unsigned integer (n ≤ 36).
func (r *bitReader) uint(n int) (int64, error) {
	if n > r.left() {
		return 0, fmt.Errorf("%w at bit %d (needs %d more bits, %d left)", errTruncated, r.pos, n, r.left())
	}
	var v int64
	for i := 0; i < n; i++ {
		v = v<<1 | int64(r.b[r.pos/8]>>(7-uint(r.pos%8))&1)
		r.pos++
	}
	return v, nil
}

func (r *bitReader) int(n int) (int, error) {
	v, err := r.uint(n)
	return int(v), err
}

func (r *bitReader) bool() (bool, error) {
	v, err := r.uint(1)
	return v == 1, err
}

// bitfield reads n bits; bit i (from 1) set means id i is in the set.
func (r *bitReader) bitfield(n int) ([]int, error) {
	if n > r.left() {
		return nil, fmt.Errorf("%w: bitfield of %d bits at bit %d, %d left", errTruncated, n, r.pos, r.left())
	}
	ids := []int{}
	for i := 1; i <= n; i++ {
		if b, _ := r.bool(); b {
			ids = append(ids, i)
		}
	}
	return ids, nil
}

// letters reads n six-bit letters (A = 0), as TCF language and country
// codes are encoded.
func (r *bitReader) letters(n int) (string, error) {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		v, err := r.int(6)
		if err != nil {
			return "", err
		}
		if v > 25 {
			return "", fmt.Errorf("letter value %d out of A-Z", v)
		}
		sb.WriteByte(byte('A' + v))
	}
	return sb.String(), nil
}

// fibonacci reads a Fibonacci-coded positive integer (GPP): bits weigh
// 1, 2, 3, 5, 8, … and the code ends with two consecutive 1 bits.
func (r *bitReader) fibonacci() (int, error) {
	a, b := 1, 2 // weights of the current and next bit
	sum, prev := 0, false
	for i := 0; i < 40; i++ {
		bit, err := r.bool()
		if err != nil {
			return 0, err
		}
		if bit && prev {
			return sum, nil
		}
		if bit {
			sum += a
		}
		prev = bit
		a, b = b, a+b
	}
	return 0, fmt.Errorf("fibonacci code longer than 40 bits at bit %d", r.pos)
}

// idSet collects vendor or section ids without duplicates, bounded by the
// 16-bit id space.
type idSet struct{ bits [65536 / 64]uint64 }

func (s *idSet) add(id int) { s.bits[id/64] |= 1 << uint(id%64) }

func (s *idSet) list() []int {
	out := []int{}
	for i, w := range s.bits {
		for w != 0 {
			low := w & -w
			bit := 0
			for low>>uint(bit) != 1 {
				bit++
			}
			out = append(out, i*64+bit)
			w &^= low
		}
	}
	return out
}
