// Command hallsim runs the simulated halls of issue 14 against the hub's
// wait estimator and prints how its estimates compare with the waits that
// followed, with a naive estimate's and an oracle's. `make simulate` runs
// the full version; docs/ESTIMATES.md explains the figures.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"hallq/internal/simulate"
)

func main() {
	seed := flag.Uint64("seed", 1, "the seed of every random draw")
	days := flag.Int("days", 30, "hall days to simulate per scenario")
	runs := flag.Int("oracle-runs", 50, "oracle re-simulations per ticket; 0 for none")
	every := flag.Int("oracle-every", 1, "run the oracle for every k-th ticket only")
	scenario := flag.String("scenario", "all", "the scenario to run: a, b, c or all")
	markdown := flag.Bool("markdown", false, "print the tables as Markdown, as docs/ESTIMATES.md shows them")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "goroutines for the oracle")
	flag.Parse()
	// The Floor allocates a copy of every ticket it shows; the oracle's
	// clones are short-lived: collect less often.
	debug.SetGCPercent(400)

	var scs []*simulate.Scenario
	if *scenario == "all" {
		scs = simulate.Scenarios()
	} else if sc := simulate.ByName(*scenario); sc != nil {
		scs = []*simulate.Scenario{sc}
	} else {
		fmt.Fprintf(os.Stderr, "hallsim: no scenario %q; use a, b, c or all\n", *scenario)
		os.Exit(2)
	}
	opt := simulate.Options{Seed: *seed, Days: *days, OracleRuns: *runs, OracleEvery: *every, Workers: *workers}
	start := time.Now()
	failed := false
	for _, sc := range scs {
		t := time.Now()
		res, err := simulate.Run(sc, opt)
		if err != nil {
			fmt.Fprintf(os.Stderr, "hallsim: %v\n", err)
			os.Exit(1)
		}
		s := simulate.Measure(res.Records, simulate.MinBucket)
		if *markdown {
			simulate.PrintMarkdown(os.Stdout, res, s)
		} else {
			simulate.Print(os.Stdout, res, s)
		}
		for _, tg := range simulate.Targets(sc, s) {
			failed = failed || !tg.Met && !tg.Reported
		}
		fmt.Printf("    (scenario %s in %s)\n\n", sc.Name, time.Since(t).Round(100*time.Millisecond))
	}
	fmt.Printf("all scenarios in %s; run at %s\n", time.Since(start).Round(100*time.Millisecond), time.Now().UTC().Format(time.RFC3339))
	if failed {
		fmt.Println("some targets are not met (✗)")
	}
}
