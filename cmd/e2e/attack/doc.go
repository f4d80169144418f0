// Package attack runs the attacks of issue 14 against a real display
// server (the built binary) on loopback, each bounded in time, with a
// well-behaved client connected, and checks that the server lives, that
// only the attacker is slowed, cut off or refused, that the well-behaved
// client's round trip stays under a stated bound and that the server's
// memory stays under a stated cap. The tests print what they measured:
//
//	go test -v -run TestAttack ./cmd/e2e/attack/
//
// XFAR_ATTACK_BINDIR runs them against binaries built elsewhere (an older
// commit, to measure the "before" column); its failures are then the
// point.
package attack
