#pragma once
// Routes of one-stop business acceptance (SPEC §5): products, orders, approvals, settings, figures.

#include "http/router.h"

namespace kam::http {

void add_order_routes(Router& router);

}  // namespace kam::http
