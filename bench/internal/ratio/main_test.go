package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fakeEnv makes the test binary act as a bench test binary (see fakeBench).
const (
	fakeEnv     = "RATIO_TEST_FAKE_BENCH"
	fakeFailEnv = "RATIO_TEST_FAKE_FAIL"
)

func TestMain(m *testing.M) {
	if os.Getenv(fakeEnv) == "1" {
		os.Exit(fakeBench(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeBench answers -test.list with the names of floorOf and FloorCrypto,
// and -test.bench '^BenchmarkX$' with a result line: 100 ns/op for a name
// starting with Floor, 110 for the others. It fails for the benchmark
// named by $RATIO_TEST_FAKE_FAIL.
func fakeBench(args []string) int {
	for i := 0; i+1 < len(args); i++ {
		switch args[i] {
		case "-test.list":
			names := []string{"FloorCrypto"}
			for sdk, floor := range floorOf {
				names = append(names, sdk, floor)
			}
			slices.Sort(names)
			for _, n := range slices.Compact(names) {
				fmt.Println("Benchmark" + n)
			}
			return 0
		case "-test.bench":
			name := strings.TrimSuffix(strings.TrimPrefix(args[i+1], "^Benchmark"), "$")
			if name == os.Getenv(fakeFailEnv) {
				fmt.Println("--- FAIL: Benchmark" + name)
				return 1
			}
			ns := 110
			if strings.HasPrefix(name, "Floor") {
				ns = 100
			}
			fmt.Printf("goos: linux\nBenchmark%s-2   \t      50\t %d ns/op\t 0 dials/op\t 10 B/op\t 1 allocs/op\nPASS\n", name, ns)
			return 0
		}
	}
	return 2
}

const interleaved = `# interleaved: 3 rounds
# round 1
# single FloorCrypto
BenchmarkFloorCrypto-2    50   1000 ns/op   2880 B/op   14 allocs/op
PASS
# pair DoV3Get FloorCombined
goos: linux
BenchmarkFloorCombined-2   50   100 ns/op   90 cpu-ns/op   0 dials/op   13000 B/op   96 allocs/op
PASS
BenchmarkDoV3Get-2         50   110 ns/op   99 cpu-ns/op   0 dials/op   14000 B/op   119 allocs/op
PASS
# pair QueryOrder FloorCombined
BenchmarkFloorCombined-2   50   200 ns/op   0 dials/op   13000 B/op   96 allocs/op
BenchmarkQueryOrder-2      50   300 ns/op   0 dials/op   16000 B/op   171 allocs/op
# round 2
# single FloorCrypto
BenchmarkFloorCrypto-2    50   1200 ns/op   2880 B/op   14 allocs/op
# pair DoV3Get FloorCombined
BenchmarkDoV3Get-2         50   240 ns/op   200 cpu-ns/op   0 dials/op   14000 B/op   119 allocs/op
BenchmarkFloorCombined-2   50   200 ns/op   100 cpu-ns/op   0 dials/op   13000 B/op   96 allocs/op
# pair QueryOrder FloorCombined
BenchmarkQueryOrder-2      50   100 ns/op   0 dials/op   16000 B/op   171 allocs/op
BenchmarkFloorCombined-2   50   100 ns/op   0 dials/op   13000 B/op   96 allocs/op
# round 3
# single FloorCrypto
BenchmarkFloorCrypto-2    50   1100 ns/op   2880 B/op   14 allocs/op
# pair DoV3Get FloorCombined
BenchmarkFloorCombined-2   50   100 ns/op   100 cpu-ns/op   0 dials/op   13000 B/op   96 allocs/op
BenchmarkDoV3Get-2         50   100 ns/op   100 cpu-ns/op   0 dials/op   14000 B/op   119 allocs/op
# pair QueryOrder FloorCombined
BenchmarkFloorCombined-2   50   400 ns/op   0 dials/op   13000 B/op   96 allocs/op
BenchmarkQueryOrder-2      50   500 ns/op   0 dials/op   16000 B/op   171 allocs/op
`

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestParseRounds(t *testing.T) {
	res, err := parse(strings.NewReader(interleaved))
	if err != nil {
		t.Fatal(err)
	}
	if res.rounds != 3 {
		t.Errorf("rounds = %d, want 3", res.rounds)
	}
	if want := []string{"FloorCrypto", "FloorCombined", "DoV3Get", "QueryOrder"}; !slices.Equal(res.order, want) {
		t.Errorf("order = %v, want %v", res.order, want)
	}
	if got := res.vals["FloorCombined"]["ns/op"]; len(got) != 6 {
		t.Errorf("FloorCombined has %d ns/op samples, want 6", len(got))
	}
	if got := res.vals["DoV3Get"]["allocs/op"]; !slices.Equal(got, []float64{119, 119, 119}) {
		t.Errorf("DoV3Get allocs/op = %v", got)
	}
	if got, want := res.rows(), []string{"DoV3Get", "QueryOrder", "FloorCrypto", "FloorCombined"}; !slices.Equal(got, want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
}

func TestRoundRatios(t *testing.T) {
	res, err := parse(strings.NewReader(interleaved))
	if err != nil {
		t.Fatal(err)
	}
	// Each ratio uses the FloorCombined run of its own pair, not the one
	// of the other pair in the same round.
	for _, tc := range []struct {
		name string
		want []float64
	}{
		{"DoV3Get", []float64{1.1, 1.2, 1.0}},
		{"QueryOrder", []float64{1.5, 1.0, 1.25}},
	} {
		got := res.roundRatios(tc.name, "FloorCombined")
		if len(got) != len(tc.want) {
			t.Fatalf("%s: ratios %v, want %v", tc.name, got, tc.want)
		}
		for i := range got {
			if !near(got[i], tc.want[i]) {
				t.Errorf("%s: ratios %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
	rt, ok := res.ratio("QueryOrder", "FloorCombined")
	if !ok || !rt.perRound || !near(rt.mid, 1.25) || !near(rt.min, 1.0) || !near(rt.max, 1.5) {
		t.Errorf("QueryOrder ratio = %+v, %v; want median 1.25, range 1.0–1.5", rt, ok)
	}
	if got := res.roundRatiosOf("DoV3Get", "FloorCombined", "cpu-ns/op"); len(got) != 3 || !near(got[0], 1.1) || !near(got[1], 2) || !near(got[2], 1) {
		t.Errorf("DoV3Get CPU ratios = %v, want [1.1 2 1]", got)
	}
	// The ratio of the medians would say 300/150 = 2.
	var buf bytes.Buffer
	if err := res.write(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"| DoV3Get | FloorCombined | 3 | 110 | 1.100 | 1.000–1.200 | 1.100 | 14000 (13000) | 119 (96) | 0 |",
		"| QueryOrder | FloorCombined | 3 | 300 | 1.250 | 1.000–1.500 | – | 16000 (13000) | 171 (96) | 0 |",
		"| FloorCrypto | – | 3 | 1100 |  |  |  | 2880 | 14 | – |",
		"| FloorCombined | – | 6 | 150 |",
		"median over the rounds",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// An old raw file (one go test run, no markers) gives ratios of medians.
func TestNoRoundsFallback(t *testing.T) {
	const old = `goos: linux
BenchmarkFloorCombined-2   50   100 ns/op   0 dials/op   13000 B/op   96 allocs/op
BenchmarkFloorCombined-2   50   300 ns/op   0 dials/op   13000 B/op   96 allocs/op
BenchmarkFloorCombined-2   50   200 ns/op   0 dials/op   13000 B/op   96 allocs/op
BenchmarkFloorCombinedParallel-2   50   50 ns/op   0 dials/op   13000 B/op   96 allocs/op
BenchmarkDoV3Get-2         50   250 ns/op   0 dials/op   14000 B/op   119 allocs/op
BenchmarkDoV3Get-2         50   210 ns/op   0 dials/op   14000 B/op   119 allocs/op
BenchmarkDoV3Get-2         50   230 ns/op   0 dials/op   14000 B/op   119 allocs/op
PASS
ok  	github.com/gowechatpay/wechatpay/bench	1.0s
`
	res, err := parse(strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	if rs := res.roundRatios("DoV3Get", "FloorCombined"); rs != nil {
		t.Errorf("roundRatios = %v, want nil", rs)
	}
	rt, ok := res.ratio("DoV3Get", "FloorCombined")
	if !ok || rt.perRound || !near(rt.mid, 230.0/200) {
		t.Errorf("ratio = %+v, %v; want 1.15 of medians", rt, ok)
	}
	var buf bytes.Buffer
	if err := res.write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| DoV3Get | FloorCombined | 3 | 230 | 1.150 | – | – | 14000 (13000) | 119 (96) | 0 |",
		"| FloorCombined | 4.00 |",
		"no round markers",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.in); !near(got, tc.want) {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func allListed() []string {
	names := []string{"FloorCrypto", "FloorHTTP"}
	for sdk, floor := range floorOf {
		if !slices.Contains(names, sdk) {
			names = append(names, sdk)
		}
		if !slices.Contains(names, floor) {
			names = append(names, floor)
		}
	}
	slices.Sort(names)
	return names
}

func TestPlan(t *testing.T) {
	p, err := makePlan(allListed(), regexp.MustCompile(`QueryOrder$|FloorV2$|Crypto`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"FloorCrypto"}; !slices.Equal(p.singles, want) {
		t.Errorf("singles = %v, want %v", p.singles, want)
	}
	// FloorV2 matches, so both its SDK benchmarks run.
	want := []pair{{"DoV2", "FloorV2"}, {"QueryOrder", "FloorCombined"}, {"RedpackQuery", "FloorV2"}}
	if !slices.Equal(p.pairs, want) {
		t.Errorf("pairs = %v, want %v", p.pairs, want)
	}
	odd, even := p.steps(1), p.steps(2)
	if len(odd) != 4 || odd[0].marker != "# single FloorCrypto" || odd[2].marker != "# pair QueryOrder FloorCombined" {
		t.Fatalf("steps(1) = %v", odd)
	}
	if !slices.Equal(odd[2].names, []string{"FloorCombined", "QueryOrder"}) ||
		!slices.Equal(even[2].names, []string{"QueryOrder", "FloorCombined"}) {
		t.Errorf("round 1 runs %v, round 2 %v: want the floor first, then the SDK first", odd[2].names, even[2].names)
	}

	if _, err := makePlan(allListed(), regexp.MustCompile(`Nothing`)); err == nil {
		t.Error("makePlan with no match: no error")
	}
	listed := slices.DeleteFunc(allListed(), func(n string) bool { return n == "QueryOrderPlain" })
	if _, err := makePlan(listed, regexp.MustCompile(`.`)); err == nil || !strings.Contains(err.Error(), "BenchmarkQueryOrderPlain") {
		t.Errorf("makePlan without QueryOrderPlain: err = %v", err)
	}
}

func TestDrive(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(fakeEnv, "1")
	raw := filepath.Join(t.TempDir(), "raw.txt")
	o := driveOptions{exe: exe, dir: t.TempDir(), count: 2, benchtime: "1x", bench: `QueryOrder$|Crypto`, timeout: "1m", raw: raw}
	var progress bytes.Buffer
	if err := drive(o, &progress); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	var seq []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "# ") && !strings.HasPrefix(l, "# interleaved") {
			seq = append(seq, l)
		} else if m := lineRE.FindStringSubmatch(l); m != nil {
			seq = append(seq, m[1])
		}
	}
	want := []string{
		"# round 1", "# single FloorCrypto", "FloorCrypto", "# pair QueryOrder FloorCombined", "FloorCombined", "QueryOrder",
		"# round 2", "# single FloorCrypto", "FloorCrypto", "# pair QueryOrder FloorCombined", "QueryOrder", "FloorCombined",
	}
	if !slices.Equal(seq, want) {
		t.Errorf("raw output runs\n%q\nwant\n%q", seq, want)
	}
	res, err := parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if rt, ok := res.ratio("QueryOrder", "FloorCombined"); !ok || !rt.perRound || !near(rt.mid, 1.1) {
		t.Errorf("ratio = %+v, %v; want 1.1 per round", rt, ok)
	}
	if !strings.Contains(progress.String(), "6 invocations") {
		t.Errorf("progress:\n%s", progress.String())
	}

	// One failed invocation fails the run and names the benchmark.
	t.Setenv(fakeFailEnv, "QueryOrder")
	err = drive(o, &progress)
	if err == nil || !strings.Contains(err.Error(), "round 1/2: running BenchmarkQueryOrder: exit status 1") {
		t.Errorf("drive with a failing benchmark: err = %v", err)
	}
}

// TestInterleavedTable: the sub-benchmarks of BenchmarkInterleaved get
// their own table, with the median of x-floor over the runs and its
// range, and stay out of the main one.
func TestInterleavedTable(t *testing.T) {
	const raw = `# round 1
# single Interleaved
BenchmarkInterleaved/QueryOrder-2   	     300	   3200000 ns/op	   1600000 floor-ns/op	   1640000 sdk-ns/op	         1.025 x-floor	   33743 B/op	     294 allocs/op
# round 2
# single Interleaved
BenchmarkInterleaved/QueryOrder-2   	     300	   3200000 ns/op	   1600000 floor-ns/op	   1632000 sdk-ns/op	         1.020 x-floor	   33743 B/op	     294 allocs/op
# round 3
# single Interleaved
BenchmarkInterleaved/QueryOrder-2   	     300	   3200000 ns/op	   1600000 floor-ns/op	   1680000 sdk-ns/op	         1.050 x-floor	   33743 B/op	     294 allocs/op
`
	res, err := parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if rows := res.rows(); len(rows) != 0 {
		t.Errorf("rows = %v, want none in the main table", rows)
	}
	var out strings.Builder
	if err := res.write(&out); err != nil {
		t.Fatal(err)
	}
	if want := "| QueryOrder | FloorCombined | 3 | 1640000 | 1600000 | 1.025 | 1.020–1.050 |"; !strings.Contains(out.String(), want) {
		t.Errorf("the table has no line %q:\n%s", want, out.String())
	}
}
