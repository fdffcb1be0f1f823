// Command ratio runs the benchmarks of ./bench interleaved and prints, as a
// Markdown table, the median of every figure of each SDK benchmark and its
// ratio to its floor.
//
// Usage:
//
//	go run ./bench/internal/ratio [raw.txt]     # print the table (stdin if no file)
//	go run ./bench/internal/ratio -exec bench.test -raw raw.txt \
//		[-dir bench] [-count 6] [-benchtime 1s] [-bench RE] [-timeout 10m]
//
// With -exec it drives a test binary built by `go test -c ./bench` (see
// drive.go): COUNT rounds, each running every selected SDK benchmark and its
// floor as two adjacent invocations, in alternating order, and writes their
// output with "# round N" and "# pair SDK FLOOR" markers to the -raw file.
// Without -exec it reads such a file and, for each SDK benchmark, prints the
// median and the range of the per-round ratios (SDK ns/op ÷ the ns/op of the
// floor run next to it). A file without round markers, such as the output of
// a single `go test -bench -count N`, gives the ratio of the medians instead.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// floorOf names the floor each SDK benchmark is compared with (names
// without the Benchmark prefix and the -GOMAXPROCS suffix).
var floorOf = map[string]string{
	"DoV3Get":                       "FloorCombined",
	"DoV3GetParallel":               "FloorCombinedParallel",
	"DoV3GetH2":                     "FloorCombinedH2",
	"DoV3GetH2Parallel":             "FloorCombinedH2Parallel",
	"DoV3GetPlain":                  "FloorCombinedPlain",
	"QueryOrder":                    "FloorCombined",
	"QueryOrderParallel":            "FloorCombinedParallel",
	"QueryOrderPlain":               "FloorCombinedPlain",
	"QuerySpecialReduction":         "FloorCombinedOAEP",
	"QuerySpecialReductionParallel": "FloorCombinedOAEPParallel",
	"Punish":                        "FloorCombinedPostOAEP",
	"PunishParallel":                "FloorCombinedPostOAEPParallel",
	"CreateOrder":                   "FloorCreateOrder",
	"CreateBill":                    "FloorCreateBill",
	"QueryBillByOutBillNo":          "FloorQueryBill",
	"CreateSpecialReduction":        "FloorReductionPost",
	"RedpackQuery":                  "FloorV2",
	"RedpackQueryParallel":          "FloorV2Parallel",
	"DoV2":                          "FloorV2",
	"ParseNotification":             "FloorNotification",
	"EmulatorRequest":               "FloorEmulator",
	"EmulatorRequestParallel":       "FloorEmulatorParallel",
	"RestyHTTP":                     "FloorHTTP",
	"RedpackQueryVsBare":            "FloorV2Bare",
	"RedpackQueryVsBareParallel":    "FloorV2BareParallel",
	"RedpackSendWorkWx":             "FloorV2Send",
	"RedpackSend":                   "FloorV2SendRedpack",
	"RedpackQueryHB":                "FloorV2QueryHB",
}

var (
	lineRE  = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)
	roundRE = regexp.MustCompile(`^# round (\d+)\b`)
)

// sample is one figure (ns/op, cpu-ns/op) and the block of the raw output
// it came from.
type sample struct {
	block int
	v     float64
}

// results maps benchmark → unit → samples, keeping first-seen order.
//
// A block is the stretch of output between two markers ("# round N",
// "# pair …", "# single …"): an SDK benchmark and its floor in the same
// block ran next to each other.
type results struct {
	order  []string
	vals   map[string]map[string][]float64
	timed  map[string]map[string][]sample // benchmark → ns/op or cpu-ns/op → samples
	rounds int                            // number of "# round" markers
}

func parse(r io.Reader) (*results, error) {
	res := &results{vals: map[string]map[string][]float64{}, timed: map[string]map[string][]sample{}}
	block := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "# ") {
			if roundRE.MatchString(line) {
				res.rounds++
				block++
			} else if strings.HasPrefix(line, "# pair ") || strings.HasPrefix(line, "# single ") {
				block++
			}
			continue
		}
		m := lineRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name, f := m[1], strings.Fields(m[2])
		if res.vals[name] == nil {
			res.vals[name] = map[string][]float64{}
			res.order = append(res.order, name)
		}
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			res.vals[name][f[i+1]] = append(res.vals[name][f[i+1]], v)
			if unit := f[i+1]; unit == "ns/op" || unit == "cpu-ns/op" {
				if res.timed[name] == nil {
					res.timed[name] = map[string][]sample{}
				}
				res.timed[name][unit] = append(res.timed[name][unit], sample{block, v})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("ratio: reading the benchmark output: %w", err)
	}
	return res, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func (r *results) med(name, unit string) (float64, bool) {
	xs, ok := r.vals[name][unit]
	return median(xs), ok
}

// roundRatios returns, in order, name's ns/op ÷ floor's ns/op for every
// block holding both (the median of each side if a block holds several),
// or nil if the output has no round markers.
func (r *results) roundRatios(name, floor string) []float64 {
	return r.roundRatiosOf(name, floor, "ns/op")
}

// roundRatiosOf is roundRatios for a unit: ns/op or cpu-ns/op.
func (r *results) roundRatiosOf(name, floor, unit string) []float64 {
	if r.rounds == 0 {
		return nil
	}
	byBlock := func(n string) map[int][]float64 {
		m := map[int][]float64{}
		for _, s := range r.timed[n][unit] {
			m[s.block] = append(m[s.block], s.v)
		}
		return m
	}
	sdk, fl := byBlock(name), byBlock(floor)
	var out []float64
	for _, b := range slices.Sorted(maps.Keys(sdk)) {
		if f, ok := fl[b]; ok && median(f) > 0 {
			out = append(out, median(sdk[b])/median(f))
		}
	}
	return out
}

// ratio is an SDK benchmark's ratio to its floor: the median of the
// per-round ratios with their range, or (perRound false) the ratio of the
// medians.
type ratio struct {
	mid, min, max float64
	perRound      bool
}

func (r *results) ratio(name, floor string) (ratio, bool) {
	if rs := r.roundRatios(name, floor); len(rs) > 0 {
		return ratio{median(rs), slices.Min(rs), slices.Max(rs), true}, true
	}
	ns, ok1 := r.med(name, "ns/op")
	fns, ok2 := r.med(floor, "ns/op")
	if !ok1 || !ok2 || fns <= 0 {
		return ratio{}, false
	}
	return ratio{mid: ns / fns}, true
}

// rows returns the benchmarks in table order: those with a floor, then
// the others, each in first-seen order.
func (r *results) rows() []string {
	var sdk, other []string
	for _, name := range r.order {
		if strings.HasPrefix(name, interleavedPrefix) {
			continue // their own table
		}
		if _, ok := floorOf[name]; ok {
			sdk = append(sdk, name)
		} else {
			other = append(other, name)
		}
	}
	return append(sdk, other...)
}

// write prints the tables: each benchmark against its floor, the
// call-by-call pairs, and the parallel speed-ups.
func (r *results) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	rows := r.rows()
	r.writeMain(bw, rows)
	r.writeInterleaved(bw)
	r.writeSpeedUps(bw, rows)
	return bw.Flush()
}

// writeMain prints the table of rows, each with its ratio to its floor,
// and the notes that say how the ratios were taken.
func (r *results) writeMain(bw *bufio.Writer, rows []string) {
	fmt.Fprintln(bw, "| benchmark | floor | runs | ns/op | × floor | min–max | CPU × floor | B/op (floor) | allocs/op (floor) | dials/op |")
	fmt.Fprintln(bw, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	perRound, ofMedians := false, false
	for _, name := range rows {
		line, rt, ok := r.row(name)
		fmt.Fprintln(bw, line)
		perRound = perRound || ok && rt.perRound
		ofMedians = ofMedians || ok && !rt.perRound
	}
	fmt.Fprintln(bw)
	if perRound {
		fmt.Fprintln(bw, "× floor: median over the rounds of SDK ns/op ÷ ns/op of the floor run next to it; min–max: the range of those ratios.")
		fmt.Fprintln(bw, "CPU × floor: the same median for cpu-ns/op, the client process's CPU time per call (servers in the child process excluded).")
	}
	if ofMedians {
		fmt.Fprintln(bw, "× floor without min–max: median SDK ns/op ÷ median floor ns/op (no round markers in the input).")
	}
	fmt.Fprintln(bw, "Other figures are medians of all runs; a floor shared by several SDK benchmarks runs once per pair.")
}

// row returns name's line of the main table and, if its floor is in the
// results, its ratio to it.
func (r *results) row(name string) (line string, rt ratio, ok bool) {
	ns, _ := r.med(name, "ns/op")
	b, _ := r.med(name, "B/op")
	a, _ := r.med(name, "allocs/op")
	floor, x, span, cpu, fb, fa := floorOf[name], "", "", "", "", ""
	if rt, ok = r.ratio(name, floor); ok {
		x, span = fmt.Sprintf("%.3f", rt.mid), "–"
		if rt.perRound {
			span = fmt.Sprintf("%.3f–%.3f", rt.min, rt.max)
		}
		cpu = "–"
		if cs := r.roundRatiosOf(name, floor, "cpu-ns/op"); len(cs) > 0 {
			cpu = fmt.Sprintf("%.3f", median(cs))
		}
		v, _ := r.med(floor, "B/op")
		fb = fmt.Sprintf(" (%.0f)", v)
		v, _ = r.med(floor, "allocs/op")
		fa = fmt.Sprintf(" (%.0f)", v)
	} else {
		floor = "–"
	}
	dials := "–"
	if d, ok := r.med(name, "dials/op"); ok {
		dials = strconv.FormatFloat(d, 'g', 3, 64)
	}
	line = fmt.Sprintf("| %s | %s | %d | %.0f | %s | %s | %s | %.0f%s | %.0f%s | %s |",
		name, floor, len(r.vals[name]["ns/op"]), ns, x, span, cpu, b, fb, a, fa, dials)
	return line, rt, ok
}

// writeSpeedUps prints, for each of rows that has a Parallel twin, its
// sequential ns/op over the twin's.
func (r *results) writeSpeedUps(bw *bufio.Writer, rows []string) {
	header := true
	for _, name := range rows {
		seq, ok1 := r.med(name, "ns/op")
		p, ok2 := r.med(name+"Parallel", "ns/op")
		if ok1 && ok2 && p > 0 {
			if header {
				fmt.Fprintln(bw)
				fmt.Fprintln(bw, "| parallel speed-up (8 callers) | sequential ns/op ÷ parallel ns/op |")
				fmt.Fprintln(bw, "| --- | ---: |")
				header = false
			}
			fmt.Fprintf(bw, "| %s | %.2f |\n", name, seq/p)
		}
	}
}

// interleavedPrefix names the sub-benchmarks of BenchmarkInterleaved: an
// SDK call and its floor taken turn about, call by call, in one
// invocation (bench/interleaved_test.go).
const interleavedPrefix = "Interleaved/"

// interleavedFloorOf names the floors of the call-by-call pairs that are
// not pairs of floorOf.
var interleavedFloorOf = map[string]string{
	"QueryOrderVsTyped": "FloorCombined + json.Unmarshal",
}

// writeInterleaved prints the call-by-call table: for each pair the
// medians over the runs of each side's mean time and of x-floor (the
// ratio of the two within a run), with the range of x-floor.
func (r *results) writeInterleaved(bw *bufio.Writer) {
	header := true
	for _, name := range r.order {
		sdk, ok := strings.CutPrefix(name, interleavedPrefix)
		if !ok {
			continue
		}
		xs := r.vals[name]["x-floor"]
		if len(xs) == 0 {
			continue
		}
		if header {
			fmt.Fprintln(bw)
			fmt.Fprintln(bw, "| call by call (interleaved) | floor | runs | SDK ns/op | floor ns/op | × floor | min–max |")
			fmt.Fprintln(bw, "| --- | --- | ---: | ---: | ---: | ---: | ---: |")
			header = false
		}
		floor := floorOf[sdk]
		if floor == "" {
			floor = interleavedFloorOf[sdk]
		}
		if floor == "" {
			floor = "–"
		}
		s, _ := r.med(name, "sdk-ns/op")
		f, _ := r.med(name, "floor-ns/op")
		fmt.Fprintf(bw, "| %s | %s | %d | %.0f | %.0f | %.3f | %.3f–%.3f |\n", sdk, floor, len(xs), s, f, median(xs), slices.Min(xs), slices.Max(xs))
	}
	if !header {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "Call by call: each run alternates one SDK call and one floor call (order swapped every turn) against the same server, timing each; × floor is the median over the runs of their time ratio within a run.")
	}
}

func main() {
	var o driveOptions
	flag.StringVar(&o.exe, "exec", "", "run this test binary (built by `go test -c ./bench`) interleaved instead of reading results")
	flag.StringVar(&o.dir, "dir", "bench", "with -exec: working directory of the test binary (it loads ../testdata)")
	flag.IntVar(&o.count, "count", 6, "with -exec: number of rounds")
	flag.StringVar(&o.benchtime, "benchtime", "1s", "with -exec: -test.benchtime of each invocation")
	flag.StringVar(&o.bench, "bench", ".", "with -exec: run the pairs where this regexp matches BenchmarkSDK or BenchmarkFloor, and the matching unpaired benchmarks")
	flag.StringVar(&o.timeout, "timeout", "10m", "with -exec: -test.timeout of each invocation")
	flag.StringVar(&o.raw, "raw", "", "with -exec: write the raw output to this file (required)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: ratio [raw.txt]\n       ratio -exec bench.test -raw raw.txt [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()

	var err error
	if o.exe != "" {
		err = drive(o, os.Stdout)
	} else {
		err = report(flag.Args())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// report prints the table of the raw output in the file named by args[0],
// or of stdin.
func report(args []string) error {
	in := io.Reader(os.Stdin)
	if len(args) > 1 {
		return fmt.Errorf("ratio: one input file at most, got %d", len(args))
	}
	if len(args) == 1 {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	res, err := parse(in)
	if err != nil {
		return err
	}
	return res.write(os.Stdout)
}
