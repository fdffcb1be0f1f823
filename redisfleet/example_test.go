package redisfleet_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/redisfleet"
)

// Each replica of a fleet of four builds the same limiter: together they
// stay at 100 queries per second towards the target merchant. If Redis
// cannot be reached, each waits on a local quarter of the limit.
func ExampleNewQueryLimiter() {
	rdb := redis.NewClient(&redis.Options{Addr: "redis.internal:6379"})
	defer rdb.Close()
	var client *wechatpay.Client // wechatpay.NewClient(...)

	q, err := redisfleet.NewQueryLimiter(rdb, "1900016681",
		redisfleet.WaitLocally(rate.NewLimiter(rate.Every(4*aggracct.QueryInterval), 1)))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	// Every QuerySpecialReduction of this service waits on the fleet's limit.
	_, err = aggracct.New(client, aggracct.WithQueryLimiter(q)).QuerySpecialReduction(context.Background(), &aggracct.QuerySpecialReductionRequest{
		OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn", BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f",
	})
	fmt.Println(err)
}

// The same callback delivered to two replicas at once runs recordPayment
// once.
func ExampleNewDeduplicator() {
	rdb := redis.NewClient(&redis.Options{Addr: "redis.internal:6379"})
	defer rdb.Close()
	var client *wechatpay.Client // wechatpay.NewClient(...)

	recordPayment := func(ctx context.Context, n *wechatpay.Notification) error {
		return nil // store the payment; an error makes WeChat Pay redeliver
	}
	h, err := client.NotificationHandler(recordPayment,
		wechatpay.WithDeduplicator(redisfleet.NewDeduplicator(rdb)))
	if err != nil { // a client without an APIv3 key
		fmt.Println("error:", err)
		return
	}
	http.Handle("/wechatpay/notify", h)
}

// A limit of one's own, shared by the fleet: 10 calls a second, bursts of 5.
func ExampleNewLimiter() {
	rdb := redis.NewClient(&redis.Options{Addr: "redis.internal:6379"})
	defer rdb.Close()
	l, err := redisfleet.NewLimiter(rdb, "my-api", redis_rate.Limit{Rate: 10, Period: time.Second, Burst: 5}, redisfleet.ReturnError())
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	if err := l.Wait(context.Background()); err != nil {
		fmt.Println("not sent:", err) // ctx done, or Redis down (ErrUnavailable)
	}
}
