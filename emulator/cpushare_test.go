package emulator_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"
)

// How the benchmarks split CPU between the emulator and the SDK.
//
// Both run in one process, so the process's CPU time alone cannot tell them
// apart, and wall time spent in the emulator's handlers over-counts (it
// includes waiting for locks and for the socket). Instead the emulator is
// started under a pprof label: every goroutine it creates (listeners,
// connection readers and writers, delivery pumps, the broker's timer)
// inherits the label, while the SDK's goroutines, created from the
// benchmark's goroutine, do not. A CPU profile of the measured run then
// attributes every sample to one side, including the syscalls each side
// makes on the loopback socket and the GC assists its allocations trigger.
// Background GC and scavenger work and the scheduler cannot be attributed
// and are reported on their own.

const (
	sideLabel    = "sbx-side"
	sideEmulator = "emulator"
	// profiledRuns is how many runs the attribution sums: runtime/pprof
	// samples at a fixed 100 Hz, so one 100 ms run gives only a few dozen
	// samples (raising the rate makes the runtime print a warning into the
	// benchmark output).
	profiledRuns = 5
	// minProfiledCPU is how much CPU (both sides) the profiled runs must add
	// up to before the split is reported: at 100 Hz, 5 s is 500 samples, so
	// a side with a third of them is known to within about 8% (one
	// standard error) instead of the 20% or more a few short runs give.
	minProfiledCPU = 5 * time.Second
)

// cpuShares is the CPU time of one profiled run, by side, and the run's
// wall time.
type cpuShares struct {
	emulator, client, background int64 // nanoseconds
	// byGoroutine is the emulator's CPU by the function its goroutines
	// started in (a connection's reader, its writer, a delivery pump...).
	byGoroutine map[string]int64
	wall        int64
}

// busiestGoroutine is the function whose goroutines had the most of the
// emulator's CPU, and that CPU as a share of the wall time. A connection's
// messages pass through its goroutines one after another, so however idle
// the emulator is overall, one of them busy for the whole run would be a
// bottleneck. (Goroutines of one function are summed: in the benchmarks
// the SDK client uses one connection.)
func (s cpuShares) busiestGoroutine() (fn string, share float64) {
	var most int64
	for f, ns := range s.byGoroutine {
		if ns > most || (ns == most && f < fn) {
			fn, most = f, ns
		}
	}
	if s.wall <= 0 {
		return fn, 0
	}
	return fn, float64(most) / float64(s.wall)
}

// underEmulatorLabel runs f with the emulator label set, so goroutines
// started inside f are counted as the emulator's.
func underEmulatorLabel(f func()) {
	pprof.Do(context.Background(), pprof.Labels(sideLabel, sideEmulator), func(context.Context) { f() })
}

// profileDirEnv names a directory to keep each profiled run's CPU profile
// in, for looking into with go tool pprof (-tagfocus=sbx-side=emulator
// selects the emulator's samples); go test -cpuprofile would profile the
// setup too.
const profileDirEnv = "SBX_BENCH_PROFILE_DIR"

var profileSeq int

// profileRun runs op under a CPU profile and splits its samples. ok is false
// when profiling is unavailable (for example under go test -cpuprofile).
func profileRun(op func()) (cpuShares, bool) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		// Another profile is running (its rate was left alone).
		op()
		return cpuShares{}, false
	}
	start := time.Now()
	op()
	wall := time.Since(start)
	pprof.StopCPUProfile()
	if dir := os.Getenv(profileDirEnv); dir != "" {
		profileSeq++
		_ = os.WriteFile(fmt.Sprintf("%s/run%03d.pprof", dir, profileSeq), buf.Bytes(), 0o644)
	}
	shares, err := attributeProfile(buf.Bytes())
	if err != nil {
		return cpuShares{}, false
	}
	shares.wall = int64(wall)
	return shares, true
}

// attributeProfile splits a CPU profile's samples by the side label, and
// the emulator's by goroutine.
func attributeProfile(data []byte) (cpuShares, error) {
	p, err := parseProfile(data)
	if err != nil {
		return cpuShares{}, err
	}
	s := cpuShares{byGoroutine: map[string]int64{}}
	for _, smp := range p.samples {
		switch {
		case smp.labels[sideLabel] == sideEmulator:
			s.emulator += smp.nanos
			s.byGoroutine[p.rootFunc(smp)] += smp.nanos
		case p.isBackground(smp):
			s.background += smp.nanos
		default:
			s.client += smp.nanos
		}
	}
	return s, nil
}

// backgroundFuncs mark runtime work no goroutine of either side asked for:
// the GC's and scavenger's workers, and the scheduler. A thread looking for
// work (findRunnable, the netpoller) or switching goroutines runs on its
// own stack with no goroutine, so its samples carry no label although both
// sides' goroutines parking and waking cause them; counted as the client's
// they would flatter the emulator.
var backgroundFuncs = []string{
	"runtime.gcBgMarkWorker", "runtime.bgsweep", "runtime.bgscavenge", "runtime._GC", "runtime._System",
	"runtime.schedule", "runtime.findRunnable", "runtime.park_m", "runtime.goschedImpl",
	"runtime.gopreempt_m", "runtime.exitsyscall0", "runtime.sysmon",
}

// rootFunc is the outermost function on s's stack that is not a generic
// wrapper: the one its goroutine started in.
func (p *profile) rootFunc(s sample) string {
	for i := len(s.locations) - 1; i >= 0; i-- {
		fns := p.locationFuncs[s.locations[i]]
		for k := len(fns) - 1; k >= 0; k-- {
			if !slices.Contains(goroutineWrappers, fns[k]) {
				return fns[k]
			}
		}
	}
	return ""
}

// goroutineWrappers start goroutines for the function that matters.
var goroutineWrappers = []string{"runtime.goexit", "sync.(*WaitGroup).Go.func1"}

func (p *profile) isBackground(s sample) bool {
	for _, loc := range s.locations {
		for _, fn := range p.locationFuncs[loc] {
			for _, bg := range backgroundFuncs {
				if strings.HasPrefix(fn, bg) {
					return true
				}
			}
		}
	}
	return false
}

// ---------------------------------------------------------------- a minimal profile.proto reader

type sample struct {
	locations []uint64
	nanos     int64
	labels    map[string]string
}

type profile struct {
	samples       []sample
	locationFuncs map[uint64][]string // function names of a location (inlined frames included)
}

type rawLabel struct{ key, str int64 }
type rawSample struct {
	locations []uint64
	values    []int64
	labels    []rawLabel
}

var errProto = errors.New("malformed profile")

// parseProfile decodes the gzipped protobuf runtime/pprof writes, keeping
// only what attribution needs: each sample's last value (CPU nanoseconds),
// its locations and string labels, and the function names per location.
func parseProfile(data []byte) (*profile, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var (
		strs      []string
		rsamples  []rawSample
		locFuncID = map[uint64][]uint64{}
		funcName  = map[uint64]int64{}
	)
	err = eachField(raw, func(field int, wire int, v uint64, b []byte) error {
		switch field {
		case 2: // sample
			s, err := parseSample(b)
			rsamples = append(rsamples, s)
			return err
		case 4: // location
			id, funcs, err := parseLocation(b)
			locFuncID[id] = funcs
			return err
		case 5: // function
			var id uint64
			var name int64
			err := eachField(b, func(f, _ int, v uint64, _ []byte) error {
				switch f {
				case 1:
					id = v
				case 2:
					name = int64(v)
				}
				return nil
			})
			funcName[id] = name
			return err
		case 6: // string_table
			strs = append(strs, string(b))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	str := func(i int64) string {
		if i < 0 || int(i) >= len(strs) {
			return ""
		}
		return strs[i]
	}
	p := &profile{locationFuncs: map[uint64][]string{}}
	for id, fids := range locFuncID {
		for _, fid := range fids {
			p.locationFuncs[id] = append(p.locationFuncs[id], str(funcName[fid]))
		}
	}
	for _, rs := range rsamples {
		if len(rs.values) == 0 {
			continue
		}
		s := sample{locations: rs.locations, nanos: rs.values[len(rs.values)-1]}
		for _, l := range rs.labels {
			if s.labels == nil {
				s.labels = map[string]string{}
			}
			s.labels[str(l.key)] = str(l.str)
		}
		p.samples = append(p.samples, s)
	}
	return p, nil
}

func parseSample(b []byte) (rawSample, error) {
	var s rawSample
	err := eachField(b, func(field, wire int, v uint64, sub []byte) error {
		switch field {
		case 1:
			return appendVarints(&s.locations, wire, v, sub, func(x uint64) uint64 { return x })
		case 2:
			return appendVarints(&s.values, wire, v, sub, func(x uint64) int64 { return int64(x) })
		case 3:
			var l rawLabel
			err := eachField(sub, func(f, _ int, v uint64, _ []byte) error {
				switch f {
				case 1:
					l.key = int64(v)
				case 2:
					l.str = int64(v)
				}
				return nil
			})
			s.labels = append(s.labels, l)
			return err
		}
		return nil
	})
	return s, err
}

func parseLocation(b []byte) (id uint64, funcs []uint64, err error) {
	err = eachField(b, func(field, _ int, v uint64, sub []byte) error {
		switch field {
		case 1:
			id = v
		case 4: // line
			return eachField(sub, func(f, _ int, v uint64, _ []byte) error {
				if f == 1 {
					funcs = append(funcs, v)
				}
				return nil
			})
		}
		return nil
	})
	return id, funcs, err
}

// appendVarints appends a repeated scalar field, packed or not.
func appendVarints[T any](dst *[]T, wire int, v uint64, packed []byte, conv func(uint64) T) error {
	if wire == 0 {
		*dst = append(*dst, conv(v))
		return nil
	}
	for len(packed) > 0 {
		x, n := binary.Uvarint(packed)
		if n <= 0 {
			return errProto
		}
		*dst = append(*dst, conv(x))
		packed = packed[n:]
	}
	return nil
}

// eachField walks the fields of one protobuf message: varints come as v,
// length-delimited fields as b; fixed-width fields are skipped.
func eachField(msg []byte, f func(field, wire int, v uint64, b []byte) error) error {
	for len(msg) > 0 {
		key, n := binary.Uvarint(msg)
		if n <= 0 {
			return errProto
		}
		msg = msg[n:]
		field, wire := int(key>>3), int(key&7)
		var v uint64
		var b []byte
		switch wire {
		case 0:
			if v, n = binary.Uvarint(msg); n <= 0 {
				return errProto
			}
			msg = msg[n:]
		case 1, 5:
			size := 8
			if wire == 5 {
				size = 4
			}
			if len(msg) < size {
				return errProto
			}
			msg = msg[size:]
			continue
		case 2:
			l, n := binary.Uvarint(msg)
			if n <= 0 || uint64(len(msg)-n) < l {
				return errProto
			}
			b, msg = msg[n:n+int(l)], msg[n+int(l):]
		default:
			return fmt.Errorf("%w: wire type %d", errProto, wire)
		}
		if err := f(field, wire, v, b); err != nil {
			return err
		}
	}
	return nil
}

func (s *cpuShares) add(o cpuShares) {
	s.emulator += o.emulator
	s.client += o.client
	s.background += o.background
	if s.byGoroutine == nil {
		s.byGoroutine = map[string]int64{}
	}
	for fn, ns := range o.byGoroutine {
		s.byGoroutine[fn] += ns
	}
	s.wall += o.wall
}
