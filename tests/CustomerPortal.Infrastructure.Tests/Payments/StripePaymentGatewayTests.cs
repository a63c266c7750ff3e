using System.Net;
using System.Text;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Payments;
using CustomerPortal.Infrastructure.Payments.Stripe;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using ChargeOutcome = CustomerPortal.Domain.Payments.Gateway.ChargeOutcome;

namespace CustomerPortal.Infrastructure.Tests.Payments;

public sealed class StripePaymentGatewayTests
{
    private const string WebhookSecret = "whsec_test_secret";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Answers Stripe.net's requests from a script and keeps what was sent.</summary>
    private sealed class FakeStripe : HttpMessageHandler
    {
        private readonly Queue<Func<HttpRequestMessage, Task<HttpResponseMessage>>> _answers = new();
        public List<(HttpMethod Method, string Path, Dictionary<string, string> Form, HttpRequestMessage Request)>
            Sent { get; } = [];

        public FakeStripe Answer(HttpStatusCode status, string json)
        {
            _answers.Enqueue(_ => Task.FromResult(new HttpResponseMessage(status)
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            }));
            return this;
        }

        public FakeStripe Hang()
        {
            _answers.Enqueue(async r =>
            {
                await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
                throw new InvalidOperationException();
            });
            return this;
        }

        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Sent.Add((request.Method, request.RequestUri!.AbsolutePath + request.RequestUri.Query, ParseForm(body),
                request));
            var answer = _answers.Dequeue();
            return await answer(request).WaitAsync(cancellationToken);
        }

        private static Dictionary<string, string> ParseForm(string body) =>
            body.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .ToDictionary(kv => Unescape(kv[0]), kv => kv.Length > 1 ? Unescape(kv[1]) : "");

        private static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
    }

    private StripePaymentGateway Gateway(HttpMessageHandler handler, TimeSpan? timeout = null, string? apiBase = null)
    {
        var client = new StripeClient(new StripeClientOptions
        {
            ApiKey = "sk_test_123",
            ApiBase = apiBase,
            HttpClient = new SystemNetHttpClient(
                new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromSeconds(10) }, maxNetworkRetries: 0),
        });
        return new StripePaymentGateway(client,
            new StripeOptions
            {
                SecretKey = "sk_test_123", PublishableKey = "pk_test_1", WebhookSecret = WebhookSecret,
            },
            _time, NullLogger<StripePaymentGateway>.Instance);
    }

    private static ChargeRequest Charge(bool offSession = false, string? account = null,
        PaymentMethodKind kind = PaymentMethodKind.Card, bool save = false) => new()
    {
        ProcessorCustomerId = "cus_123",
        PaymentMethodToken = "pm_456",
        AmountCents = 12_345,
        IdempotencyKey = "pay-draft-abc",
        Metadata = new ChargeMetadata(42, 3, 7),
        OffSession = offSession,
        ConnectedAccountId = account,
        MethodKind = kind,
        SetupFutureUsage = save,
        ReturnUrl = offSession ? null : "https://portal.test/payments/42/return",
        Mandate = kind == PaymentMethodKind.BankAccount
            ? new MandateAcceptance(
                new DateTimeOffset(2026, 11, 26, 11, 0, 0, TimeSpan.Zero), "203.0.113.5", "Firefox")
            : null,
    };

    private static string Intent(string status, string extra = "") =>
        """{"id":"pi_1","object":"payment_intent","amount":"""
        + $$"""12345,"currency":"usd","status":"{{status}}","metadata":"""
        + $$"""{"portal_payment_id":"42","idempotency_key":"pay-draft-abc"}{{extra}}}""";

    private static string Error(string type, string code, string? declineCode = null, string extra = "") =>
        "{\"error\":{\"type\":\"" + type + "\",\"code\":\"" + code + "\""
        + (declineCode is null ? "" : ",\"decline_code\":\"" + declineCode + "\"")
        + ",\"message\":\"Stripe says no.\"" + extra + "}}";

    [Fact]
    public async Task AChargeSendsAConfirmedIntentInCentsWithMetadataAndOurIdempotencyKey()
    {
        var stripe = WithOwnCard().Answer(HttpStatusCode.OK, Intent("succeeded"));

        var result = await Gateway(stripe).ChargeAsync(Charge(save: true));

        Assert.Equal(ChargeResult.Succeeded("pi_1"), result);
        var (method, path, form, request) = Created(stripe);
        Assert.Equal((HttpMethod.Post, "/v1/payment_intents"), (method, path));
        Assert.Equal("12345", form["amount"]);
        Assert.Equal("usd", form["currency"]);
        Assert.Equal("cus_123", form["customer"]);
        Assert.Equal("pm_456", form["payment_method"]);
        Assert.Equal("true", form["confirm"]);
        Assert.Equal("42", form["metadata[portal_payment_id]"]);
        Assert.Equal("3", form["metadata[company_id]"]);
        Assert.Equal("7", form["metadata[customer_id]"]);
        Assert.Equal("pay-draft-abc", form["metadata[idempotency_key]"]);
        Assert.Equal("true", form["automatic_payment_methods[enabled]"]);
        Assert.Equal("off_session", form["setup_future_usage"]);
        Assert.Equal("https://portal.test/payments/42/return", form["return_url"]);
        Assert.DoesNotContain(form.Keys, k => k.StartsWith("payment_method_types", StringComparison.Ordinal));
        Assert.Equal("pay-draft-abc", Assert.Single(request.Headers.GetValues("Idempotency-Key")));
        Assert.Equal("2026-10-28.endive", Assert.Single(request.Headers.GetValues("Stripe-Version")));
        Assert.False(request.Headers.Contains("Stripe-Account"));
    }

    private static string Card(string? customer) =>
        """{"id":"pm_456","object":"payment_method","type":"card","customer":"""
        + (customer is null ? "null" : $"\"{customer}\"")
        + ""","card":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2030}}""";

    /// <summary>A fake Stripe whose first answer is the payment method, attached to the charged customer.</summary>
    private static FakeStripe WithOwnCard() => new FakeStripe().Answer(HttpStatusCode.OK, Card("cus_123"));

    /// <summary>The request that created the PaymentIntent, after the adapter checked whose the method is.</summary>
    private static (HttpMethod Method, string Path, Dictionary<string, string> Form, HttpRequestMessage Request)
        Created(FakeStripe stripe)
    {
        Assert.Equal(2, stripe.Sent.Count);
        Assert.Equal((HttpMethod.Get, "/v1/payment_methods/pm_456"), (stripe.Sent[0].Method, stripe.Sent[0].Path));
        return stripe.Sent[1];
    }

    [Fact]
    public async Task AChargeWithAMethodOfThisCustomerOrOfNobodyYetIsCheckedAndThenConfirmed()
    {
        foreach (var owner in new[] { "cus_123", null })
        {
            var stripe = new FakeStripe().Answer(HttpStatusCode.OK, Card(owner))
                .Answer(HttpStatusCode.OK, Intent("succeeded"));

            var result = await Gateway(stripe).ChargeAsync(Charge());

            Assert.Equal(ChargeResult.Succeeded("pi_1"), result);
            Assert.Equal((HttpMethod.Post, "/v1/payment_intents"), (Created(stripe).Method, Created(stripe).Path));
        }
    }

    [Fact]
    public async Task AChargeWithAMethodAttachedToAnotherCustomerIsRefusedBeforeAnyIntentIsCreated()
    {
        var stripe = new FakeStripe().Answer(HttpStatusCode.OK, Card("cus_other"));

        var result = await Gateway(stripe).ChargeAsync(Charge(account: "acct_company3"));

        Assert.Equal((ChargeOutcome.Declined, "payment_method_not_found"), (result.Outcome, result.FailureCode));
        var (method, path, _, request) = Assert.Single(stripe.Sent);
        Assert.Equal((HttpMethod.Get, "/v1/payment_methods/pm_456"), (method, path));
        Assert.Equal("acct_company3", Assert.Single(request.Headers.GetValues("Stripe-Account")));
    }

    [Fact]
    public async Task ConfirmingASetupWithAMethodAttachedToAnotherCustomerIsRefusedBeforeConfirming()
    {
        var stripe = new FakeStripe()
            .Answer(HttpStatusCode.OK, """
                {"id":"seti_1","object":"setup_intent","customer":"cus_123","status":"requires_payment_method"}
                """)
            .Answer(HttpStatusCode.OK, Card("cus_other"));

        var result = await Gateway(stripe).ConfirmSetupAsync(new ConfirmSetupRequest("seti_1", "pm_456"));

        Assert.Equal((SetupOutcome.Failed, "payment_method_not_found"), (result.Outcome, result.FailureCode));
        Assert.All(stripe.Sent, s => Assert.Equal(HttpMethod.Get, s.Method));
        Assert.DoesNotContain(stripe.Sent, s => s.Path.Contains("/confirm", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OffSessionChargeOnAConnectedAccountSaysSoAndAllowsNoRedirects()
    {
        var stripe = WithOwnCard().Answer(HttpStatusCode.OK, Intent("succeeded"));

        await Gateway(stripe).ChargeAsync(Charge(offSession: true, account: "acct_company3"));

        var (_, _, form, request) = Created(stripe);
        Assert.Equal("true", form["off_session"]);
        Assert.Equal("never", form["automatic_payment_methods[allow_redirects]"]);
        Assert.False(form.ContainsKey("return_url"));
        Assert.Equal("acct_company3", Assert.Single(request.Headers.GetValues("Stripe-Account")));
    }

    [Fact]
    public async Task AchChargeSendsTheMandateAndFinancialConnectionsWithMicrodepositFallback()
    {
        var stripe = WithOwnCard().Answer(HttpStatusCode.OK, Intent("processing"));

        var result = await Gateway(stripe).ChargeAsync(Charge(kind: PaymentMethodKind.BankAccount));

        Assert.Equal(ChargeOutcome.Processing, result.Outcome);
        var form = Created(stripe).Form;
        Assert.Equal("online", form["mandate_data[customer_acceptance][type]"]);
        Assert.Equal("203.0.113.5", form["mandate_data[customer_acceptance][online][ip_address]"]);
        Assert.Equal("Firefox", form["mandate_data[customer_acceptance][online][user_agent]"]);
        Assert.Equal("automatic", form["payment_method_options[us_bank_account][verification_method]"]);
        Assert.Equal("payment_method",
            form["payment_method_options[us_bank_account][financial_connections][permissions][0]"]);
        Assert.DoesNotContain(form.Keys, k => k.StartsWith("payment_method_types", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("card_declined", null, "card_declined", "Your card was declined.")]
    [InlineData("card_declined", "insufficient_funds", "insufficient_funds", "Your card has insufficient funds.")]
    [InlineData("expired_card", null, "expired_card", "Your card has expired.")]
    public async Task A402AnswerIsADeclineInPlainWords(
        string code, string? declineCode, string expectedCode, string message)
    {
        var stripe = WithOwnCard().Answer(HttpStatusCode.PaymentRequired,
            Error("card_error", code, declineCode, $",\"payment_intent\":{Intent("requires_payment_method")}"));

        var result = await Gateway(stripe).ChargeAsync(Charge());

        Assert.Equal(ChargeResult.Declined("pi_1", expectedCode, message), result);
    }

    [Fact]
    public async Task AuthenticationRequiredOffSessionIsDeclinedSoTheCustomerPaysOnline()
    {
        var stripe = WithOwnCard()
            .Answer(HttpStatusCode.PaymentRequired, Error("card_error", "authentication_required"));

        var result = await Gateway(stripe).ChargeAsync(Charge(offSession: true));

        Assert.Equal(ChargeOutcome.Declined, result.Outcome);
        Assert.Equal("authentication_required", result.FailureCode);
    }

    [Fact]
    public async Task RequiresActionReturnsTheThreeDSecureUrl()
    {
        var stripe = WithOwnCard().Answer(HttpStatusCode.OK,
            Intent("requires_action",
                ""","next_action":{"type":"redirect_to_url","redirect_to_url":"""
                + """{"url":"https://hooks.stripe.test/3ds/abc","return_url":"https://portal.test/r"}}"""));

        var result = await Gateway(stripe).ChargeAsync(Charge());

        Assert.Equal(ChargeResult.RequiresAction("pi_1", "https://hooks.stripe.test/3ds/abc"), result);
    }

    [Fact]
    public async Task A500AnswerIsUnknown()
    {
        var stripe = WithOwnCard().Answer(HttpStatusCode.InternalServerError, Error("api_error", "internal"));

        var result = await Gateway(stripe).ChargeAsync(Charge());

        Assert.Equal(ChargeOutcome.Unknown, result.Outcome);
        Assert.Equal(PaymentStatus.Unknown, result.ToPaymentStatus());
    }

    [Fact]
    public async Task ATimeoutIsUnknown()
    {
        var stripe = WithOwnCard().Hang();

        var result = await Gateway(stripe, timeout: TimeSpan.FromMilliseconds(200)).ChargeAsync(Charge());

        Assert.Equal(ChargeOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task FindPaymentSearchesByTheIdempotencyKeyInMetadata()
    {
        var stripe = new FakeStripe().Answer(HttpStatusCode.OK,
            $$"""{"object":"search_result","data":[{{Intent("succeeded")}}],"has_more":"""
            + """false,"url":"/v1/payment_intents/search"}""");

        var found = await Gateway(stripe).FindPaymentAsync(new PaymentLookup("pay-draft-abc"));

        Assert.Equal((ChargeOutcome.Succeeded, 12_345L, 42L),
            (found!.Outcome, found.AmountCents, found.PortalPaymentId!.Value));
        var sent = Assert.Single(stripe.Sent);
        Assert.StartsWith("/v1/payment_intents/search", sent.Path);
        Assert.Contains("metadata['idempotency_key']:'pay-draft-abc'",
            Uri.UnescapeDataString(sent.Path.Replace('+', ' ')));
    }

    [Fact]
    public async Task DetachChecksOwnershipFirstAndTouchesNothingThatIsNotTheCustomers()
    {
        var stripe = new FakeStripe().Answer(HttpStatusCode.OK,
            """{"id":"pm_456","object":"payment_method","type":"card","customer":"cus_other","card":"""
            + """{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2030}}""");

        var outcome = await Gateway(stripe).DetachPaymentMethodAsync("cus_123", "pm_456");

        Assert.Equal(DetachOutcome.NotOwned, outcome);
        Assert.Equal(HttpMethod.Get, Assert.Single(stripe.Sent).Method);
    }

    [Fact]
    public async Task DetachingTheCustomersOwnMethodCallsDetach()
    {
        var pm = """{"id":"pm_456","object":"payment_method","type":"card","customer":"cus_123","card":"""
            + """{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2030}}""";
        var stripe = new FakeStripe()
            .Answer(HttpStatusCode.OK, pm)
            .Answer(HttpStatusCode.OK, pm.Replace("\"cus_123\"", "null", StringComparison.Ordinal));

        Assert.Equal(DetachOutcome.Detached, await Gateway(stripe).DetachPaymentMethodAsync("cus_123", "pm_456"));
        Assert.Equal((HttpMethod.Post, "/v1/payment_methods/pm_456/detach"),
            (stripe.Sent[1].Method, stripe.Sent[1].Path));
    }

    [Fact]
    public async Task GetPaymentMethodDescribesBankAccountsWithoutNumbers()
    {
        var stripe = new FakeStripe().Answer(HttpStatusCode.OK,
            """{"id":"pm_789","object":"payment_method","type":"us_bank_account","customer":"cus_123","""
            + "\"us_bank_account\":{\"bank_name\":\"STRIPE TEST BANK\",\"account_type\":\"checking\","
            + "\"last4\":\"6789\",\"routing_number\":\"110000000\"}}");

        var details = await Gateway(stripe).GetPaymentMethodAsync("pm_789");

        Assert.Equal(new PaymentMethodDetails("pm_789", PaymentMethodKind.BankAccount, "cus_123", "6789",
            BankName: "STRIPE TEST BANK", AccountType: "checking"), details);
    }

    [Fact]
    public async Task SetupIsForOffSessionUseAndNeverSendsPaymentMethodTypes()
    {
        var stripe = new FakeStripe().Answer(HttpStatusCode.OK,
            """
            {"id":"seti_1","object":"setup_intent","status":"requires_payment_method","client_secret":"seti_1_secret_x"}
            """);

        var setup = await Gateway(stripe).CreateSetupAsync(new SetupRequest("cus_123", PaymentMethodKind.BankAccount));

        Assert.Equal(new SetupResult("seti_1", "seti_1_secret_x", SetupOutcome.RequiresPaymentMethod), setup);
        var form = Assert.Single(stripe.Sent).Form;
        Assert.Equal("off_session", form["usage"]);
        Assert.Equal("us_bank_account", form["allowed_payment_method_types[0]"]);
        Assert.Equal("automatic", form["payment_method_options[us_bank_account][verification_method]"]);
        Assert.DoesNotContain(form.Keys, k => k.StartsWith("payment_method_types", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThroughWireMockTheIdempotencyKeyReachesTheWire()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/v1/payment_methods/pm_456").UsingGet()).RespondWith(Response.Create()
            .WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Card("cus_123")));
        server.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost())
            .RespondWith(Response.Create()
                .WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Intent("succeeded")));

        var result = await Gateway(new HttpClientHandler(), apiBase: $"http://127.0.0.1:{server.Port}")
            .ChargeAsync(Charge());

        Assert.Equal(ChargeOutcome.Succeeded, result.Outcome);
        var entry = Assert.Single(server.LogEntries, e => e.RequestMessage.Method == "POST");
        Assert.Equal("pay-draft-abc", entry.RequestMessage.Headers!["Idempotency-Key"].Single());
        Assert.Contains("amount=12345", entry.RequestMessage.Body);
        Assert.DoesNotContain("payment_method_types", entry.RequestMessage.Body);
    }

    [Fact]
    public async Task ThroughWireMockA503AnswerIsUnknown()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/v1/payment_methods/pm_456").UsingGet()).RespondWith(Response.Create()
            .WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Card("cus_123")));
        server.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Content-Type", "application/json")
                .WithBody(Error("api_error", "unavailable")));

        var result = await Gateway(new HttpClientHandler(), apiBase: $"http://127.0.0.1:{server.Port}")
            .ChargeAsync(Charge());

        Assert.Equal(ChargeOutcome.Unknown, result.Outcome);
    }

    private static string EventJson(string type = "payment_intent.succeeded", string status = "succeeded") =>
        "{\"id\":\"evt_1\",\"object\":\"event\",\"api_version\":\"2026-10-28.endive\",\"created\":1795700000,"
        + "\"type\":\"" + type + "\",\"data\":{\"object\":" + Intent(status) + "}}";

    [Fact]
    public void AWebhookSignedWithOurSecretIsAccepted()
    {
        var body = EventJson();
        var parsed = Gateway(new FakeStripe()).ParseWebhook(body,
            WebhookSignature.Header(WebhookSecret, _time.GetUtcNow().ToUnixTimeSeconds(), body));

        Assert.True(parsed.IsValid, parsed.RejectionReason);
        Assert.Equal(("evt_1", "pi_1", PaymentStatus.Succeeded, 42L),
            (parsed.Event!.EventId, parsed.Event.ProcessorPaymentId, parsed.Event.NewStatus!.Value,
                parsed.Event.PortalPaymentId!.Value));
        Assert.Equal((12_345L, "usd", "pay-draft-abc"),
            (parsed.Event.AmountCents, parsed.Event.Currency, parsed.Event.IdempotencyKey));
    }

    [Fact]
    public void APaymentFailedWebhookCarriesTheReason()
    {
        var body = EventJson("payment_intent.payment_failed", "requires_payment_method")
            .Replace("\"metadata\"",
                "\"last_payment_error\":{\"type\":\"card_error\",\"code\":\"card_declined\","
                + "\"decline_code\":\"insufficient_funds\"},\"metadata\"",
                StringComparison.Ordinal);
        var parsed = Gateway(new FakeStripe()).ParseWebhook(body,
            WebhookSignature.Header(WebhookSecret, _time.GetUtcNow().ToUnixTimeSeconds(), body));

        Assert.Equal((PaymentStatus.Failed, "insufficient_funds", "Your card has insufficient funds."),
            (parsed.Event!.NewStatus!.Value, parsed.Event.FailureCode, parsed.Event.FailureMessage));
    }

    [Theory]
    [InlineData("\"network_decline_code\":\"R02\",\"decline_code\":\"bank_account_closed\"", "R02",
        "Returned by your bank (R02: account closed)")]
    [InlineData("\"decline_code\":\"insufficient_funds\"", "insufficient_funds",
        "Returned by your bank (R01: insufficient funds)")]
    public void AnAchDebitFailedEventReadsAsTheBanksReturn(string error, string code, string message)
    {
        var intent = Intent("requires_payment_method", ",\"payment_method_types\":[\"us_bank_account\"],"
            + "\"last_payment_error\":{\"type\":\"card_error\",\"code\":\"payment_method_provider_decline\","
            + error + "}");
        var body = "{\"id\":\"evt_2\",\"object\":\"event\",\"api_version\":\"2026-10-28.endive\","
            + "\"created\":1795700000,\"type\":\"payment_intent.payment_failed\",\"data\":{\"object\":"
            + intent + "}}";
        var parsed = Gateway(new FakeStripe()).ParseWebhook(body,
            WebhookSignature.Header(WebhookSecret, _time.GetUtcNow().ToUnixTimeSeconds(), body));

        Assert.True(parsed.IsValid, parsed.RejectionReason);
        Assert.Equal((PaymentStatus.Failed, code, message),
            (parsed.Event!.NewStatus!.Value, parsed.Event.FailureCode, parsed.Event.FailureMessage));
        Assert.Equal(message, AchReturn.Of(parsed.Event.FailureCode)!.Message);
    }

    [Fact]
    public void ATamperedWebhookIsRejected()
    {
        var body = EventJson();
        var header = WebhookSignature.Header(WebhookSecret, _time.GetUtcNow().ToUnixTimeSeconds(), body);
        Assert.False(Gateway(new FakeStripe())
            .ParseWebhook(body.Replace("12345", "1", StringComparison.Ordinal), header).IsValid);
    }

    [Fact]
    public void AWebhookOlderThan300SecondsIsRejected()
    {
        var body = EventJson();
        var header = WebhookSignature.Header(
            WebhookSecret, _time.GetUtcNow().AddSeconds(-301).ToUnixTimeSeconds(), body);
        Assert.False(Gateway(new FakeStripe()).ParseWebhook(body, header).IsValid);
    }

    [Fact]
    public void AWebhookWithoutSignatureIsRejected() =>
        Assert.False(Gateway(new FakeStripe()).ParseWebhook(EventJson(), null).IsValid);

    [Fact]
    public void MissingOptionKeysAreNamed()
    {
        var problems = new StripeOptions().Problems();
        Assert.Contains(problems, p => p.Contains("SecretKey is missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("PublishableKey is missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("WebhookSecret is missing", StringComparison.Ordinal));
        Assert.Empty(
            new StripeOptions { SecretKey = "sk_test_1", PublishableKey = "pk_test_1", WebhookSecret = "whsec_1" }
                .Problems());
        Assert.Contains(
            new StripeOptions { SecretKey = "pk_test_1", PublishableKey = "pk_test_1", WebhookSecret = "w" }.Problems(),
            p => p.Contains("not a publishable key", StringComparison.Ordinal));
    }
}
