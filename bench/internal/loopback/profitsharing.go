package loopback

// PathProfitSharingOrders is the distribution-request path (CreateOrder),
// a POST.
const PathProfitSharingOrders = "/v3/global/profit-sharing/orders"

// CreateOrderNo is the out_order_no of the distribution request.
const CreateOrderNo = "P20251009000001"

// createOrderBody is the documented example answer of a distribution
// request: PROCESSING, with the unfreeze-to-sponsor detail.
const createOrderBody = `{"sub_mchid":"` + SubMchID + `","transaction_id":"` + TransactionID + `","out_order_no":"` + CreateOrderNo +
	`","order_id":"7100000751202510090000000000001","state":"PROCESSING","receivers":[` +
	`{"currency":"CNY","amount":888,"description":"分给商户A","type":"MERCHANT_ID","account":"86693852","result":"PENDING","create_time":"2025-10-09T10:00:00+08:00","detail_id":"7200000751202510090000000000001","detail_type":"DISTRIBUTE_TO_OTHERS"},` +
	`{"currency":"CNY","amount":112,"description":"解冻剩余资金","type":"MERCHANT_ID","account":"1900016681","result":"PENDING","create_time":"2025-10-09T10:00:00+08:00","detail_id":"7200000751202510090000000000002","detail_type":"UNFREEZE_TO_SPONSOR","settlement_currency":"CNY","settlement_amount":112,"rate_value":100000000}]}`
