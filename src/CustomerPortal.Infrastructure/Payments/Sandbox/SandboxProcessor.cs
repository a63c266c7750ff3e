using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static CustomerPortal.Infrastructure.Payments.Sandbox.SandboxInstruments;

namespace CustomerPortal.Infrastructure.Payments.Sandbox;

/// <summary>
/// The embedded payment processor used when no Stripe key is configured: deterministic test instruments, idempotent
/// charges, ACH settlement after a delay, 3-D Secure, signed webhook events and a fault switch. It keeps its state in
/// its own SQLite file (it plays the processor's servers, so it never touches the portal's database) and stores only
/// brand / bank name, last 4, expiry and a behaviour code for a method, never the number.
/// </summary>
public sealed class SandboxProcessor : IPaymentGateway
{
    public const string SignatureHeaderName = "Sandbox-Signature";

    private static class Status
    {
        public const string Succeeded = "succeeded";
        public const string Processing = "processing";
        public const string RequiresAction = "requires_action";
        public const string Failed = "failed";
    }

    // One lock per file, shared by every instance in the process: charges with the same key serialise here, and the
    // unique index on idempotency_key is the second guard.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    private readonly SandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SandboxProcessor> _logger;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _lock;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _tuned = new();
    private readonly Random _faults;
    private bool _created;

    public SandboxProcessor(IOptions<SandboxOptions> options, TimeProvider time, ILogger<SandboxProcessor> logger)
    {
        _options = options.Value;
        var problems = _options.Problems();
        if (problems.Count > 0)
            throw new OptionsValidationException(SandboxOptions.SectionName, typeof(SandboxOptions), problems);
        _time = time;
        _logger = logger;
        var path = Path.GetFullPath(_options.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }
            .ToString();
        _lock = Locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        _faults = new Random(_options.FaultSeed);
    }

    public string Name => "sandbox";
    public string WebhookSignatureHeader => SignatureHeaderName;

    // ---- the sandbox's own client-side entry form calls these; the portal never sees the numbers ----

    public Task<TokenizeResult> TokenizeCardAsync(
        string number, int expMonth, int expYear, string cvc, CancellationToken cancellationToken = default) =>
        TokenizeCardAsOfAsync(number, expMonth, expYear, cvc, _time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// As <see cref="TokenizeCardAsync"/>, with the expiry checked as if the card had been entered at
    /// <paramref name="enteredAt"/>. Demo data uses it for a card that was saved before it expired; the entry form
    /// never does.
    /// </summary>
    public Task<TokenizeResult> TokenizeCardAsOfAsync(
        string number, int expMonth, int expYear, string cvc, DateTimeOffset enteredAt,
        CancellationToken cancellationToken = default)
    {
        var digits = new string((number ?? "").Where(c => c != ' ' && c != '-').ToArray());
        if (!PassesLuhn(digits))
            return Task.FromResult(TokenizeResult.Refused("invalid_number", FailureMessages.For("invalid_number")));
        if (expYear < 100) expYear += 2000;
        var today = enteredAt;
        if (expMonth is < 1 or > 12)
        {
            return Task.FromResult(
                TokenizeResult.Refused("invalid_expiry_month", FailureMessages.For("invalid_expiry_month")));
        }
        if (expYear < today.Year || (expYear == today.Year && expMonth < today.Month) || expYear > today.Year + 50)
        {
            return Task.FromResult(
                TokenizeResult.Refused("invalid_expiry_year", FailureMessages.For("invalid_expiry_year")));
        }
        var expectedCvc = CardBrand(digits) == "American Express" ? 4 : 3;
        if (cvc is null || cvc.Length != expectedCvc || !cvc.All(char.IsAsciiDigit))
            return Task.FromResult(TokenizeResult.Refused("invalid_cvc", FailureMessages.For("invalid_cvc")));

        return InsertMethodAsync("card", CardBrand(digits), digits[^4..], expMonth, expYear, null, null,
            CardBehaviour(digits), cancellationToken);
    }

    public Task<TokenizeResult> TokenizeBankAccountAsync(string routingNumber, string accountNumber,
        string accountType = "checking", CancellationToken cancellationToken = default)
    {
        var routing = (routingNumber ?? "").Trim();
        var account = (accountNumber ?? "").Trim();
        if (!IsValidRoutingNumber(routing))
        {
            return Task.FromResult(
                TokenizeResult.Refused("invalid_routing_number", FailureMessages.For("invalid_routing_number")));
        }
        if (account.Length is < 4 or > 17 || !account.All(char.IsAsciiDigit))
        {
            return Task.FromResult(
                TokenizeResult.Refused("invalid_account_number", FailureMessages.For("invalid_account_number")));
        }
        var type = accountType == "savings" ? "savings" : "checking";
        return InsertMethodAsync("us_bank_account", null, account[^4..], null, null, BankName(routing), type,
            BankBehaviour(account), cancellationToken);
    }

    private async Task<TokenizeResult> InsertMethodAsync(string kind, string? brand, string last4, int? expMonth,
        int? expYear, string? bankName, string? accountType, string behaviour, CancellationToken ct)
    {
        var token = NewId("spm");
        await WithDbAsync(async db =>
        {
            await ExecAsync(db, null, """
                INSERT INTO payment_methods (id, kind, brand, last4, exp_month, exp_year, bank_name, account_type,
                    behaviour, customer_id, created_at)
                VALUES ($id, $kind, $brand, $last4, $em, $ey, $bank, $type, $behaviour, NULL, $now)
                """, ct, ("$id", token), ("$kind", kind), ("$brand", brand), ("$last4", last4), ("$em", expMonth),
                ("$ey", expYear), ("$bank", bankName), ("$type", accountType), ("$behaviour", behaviour),
                ("$now", Now()));
            return 0;
        }, ct);
        return TokenizeResult.Ok(token);
    }

    // ---- IPaymentGateway ----

    public Task<string> EnsureCustomerAsync(GatewayCustomer customer, CancellationToken cancellationToken = default) =>
        WithDbAsync(async db =>
        {
            var existing = await ScalarAsync<string>(db, null,
                "SELECT id FROM customers WHERE company_id = $c AND portal_customer_id = $p",
                cancellationToken, ("$c", customer.CompanyId), ("$p", customer.CustomerId));
            if (existing is not null) return existing;
            var id = NewId("scus");
            await ExecAsync(db, null,
                "INSERT INTO customers (id, company_id, portal_customer_id, name, email, created_at) "
                + "VALUES ($id, $c, $p, $n, $e, $now)",
                cancellationToken, ("$id", id), ("$c", customer.CompanyId), ("$p", customer.CustomerId),
                ("$n", customer.Name), ("$e", customer.Email), ("$now", Now()));
            return id;
        }, cancellationToken);

    public Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.AmountCents);
        return WithDbAsync(async db =>
        {
            var fault = DrawFault();
            if (fault is SandboxFault.Timeout or SandboxFault.ServerError)
            {
                _logger.LogWarning("Sandbox fault {Fault} for payment {PortalPaymentId}: nothing charged",
                    fault, request.Metadata.PortalPaymentId);
                return ChargeResult.Unknown(null, fault == SandboxFault.Timeout ? "timeout" : "http_500");
            }

            using var tx = db.BeginTransaction();
            var result = await ChargeInTransactionAsync(db, tx, request, cancellationToken);
            tx.Commit();

            if (fault == SandboxFault.DropResponseAfterCharge)
            {
                _logger.LogWarning("Sandbox fault {Fault} for payment {PortalPaymentId}: charged, answer dropped",
                    fault, request.Metadata.PortalPaymentId);
                return ChargeResult.Unknown(null, "response_lost");
            }
            return result;
        }, cancellationToken);
    }

    private async Task<ChargeResult> ChargeInTransactionAsync(
        SqliteConnection db, SqliteTransaction tx, ChargeRequest request, CancellationToken ct)
    {
        var existing = await ReadPaymentAsync(db, tx, "idempotency_key = $k", ct, ("$k", request.IdempotencyKey));
        if (existing is not null)
        {
            if (existing.Value.AmountCents != request.AmountCents
                || existing.Value.MethodId != request.PaymentMethodToken)
            {
                return ChargeResult.Declined(null, "idempotency_key_reused",
                    "This payment was already submitted with different details.");
            }
            return ToChargeResult(existing.Value.Payment);
        }

        var method = await ReadMethodAsync(db, tx, request.PaymentMethodToken, ct);
        var customerExists = await ScalarAsync<string>(db, tx, "SELECT id FROM customers WHERE id = $id", ct,
            ("$id", request.ProcessorCustomerId)) is not null;
        if (method is null || !customerExists
            || (method.Value.CustomerId is { } owner && owner != request.ProcessorCustomerId))
        {
            return ChargeResult.Declined(
                null, "payment_method_not_found", FailureMessages.For("payment_method_not_found"));
        }

        var m = method.Value;
        var id = NewId("spi");
        var now = Now();
        string status;
        string? failureCode = null, nextActionUrl = null;
        long? settleDue = null;
        switch (m.Behaviour)
        {
            case Behaviours.Succeed:
                status = Status.Succeeded;
                break;
            case Behaviours.CardDeclined or Behaviours.InsufficientFunds or Behaviours.ExpiredCard:
                status = Status.Failed;
                failureCode = m.Behaviour;
                break;
            case Behaviours.RequiresAuthentication when request.OffSession:
                // Like Stripe's 3155 card: a card set up for later use is not challenged off-session; otherwise it
                // cannot be.
                (status, failureCode) = m.CustomerId is null
                    ? (Status.Failed, "authentication_required")
                    : (Status.Succeeded, null);
                break;
            case Behaviours.RequiresAuthentication:
                status = Status.RequiresAction;
                nextActionUrl = _options.AuthenticationPath + id;
                break;
            default: // ACH: accepted now, settled or returned after the delay
                status = Status.Processing;
                settleDue = now + (long)_options.AchSettlementDelay.TotalMilliseconds;
                break;
        }

        await ExecAsync(db, tx, """
            INSERT INTO payments (id, idempotency_key, customer_id, payment_method_id, kind, behaviour, amount_cents,
                currency, status, failure_code, next_action_url, portal_payment_id, company_id, portal_customer_id,
                connected_account_id, setup_future_usage, off_session, settle_due_at, created_at, updated_at)
            VALUES ($id, $key, $cus, $pm, $kind, $beh, $amount, $cur, $status, $fc, $url, $ppid, $co, $pc, $acct, $sfu,
                $off, $due, $now, $now)
            """, ct, ("$id", id), ("$key", request.IdempotencyKey), ("$cus", request.ProcessorCustomerId),
            ("$pm", m.Id), ("$kind", m.Kind), ("$beh", m.Behaviour), ("$amount", request.AmountCents),
            ("$cur", request.Currency.ToLowerInvariant()), ("$status", status), ("$fc", failureCode),
            ("$url", nextActionUrl), ("$ppid", request.Metadata.PortalPaymentId), ("$co", request.Metadata.CompanyId),
            ("$pc", request.Metadata.CustomerId), ("$acct", request.ConnectedAccountId),
            ("$sfu", request.SetupFutureUsage ? 1 : 0), ("$off", request.OffSession ? 1 : 0), ("$due", settleDue),
            ("$now", now));
        if (request.SetupFutureUsage && status is Status.Succeeded or Status.Processing)
            await AttachAsync(db, tx, m.Id, request.ProcessorCustomerId, ct);

        var payment = (await ReadPaymentAsync(db, tx, "id = $id", ct, ("$id", id)))!.Value.Payment;
        await AddEventAsync(db, tx, payment, ct);
        _logger.LogInformation("Sandbox payment {ProcessorPaymentId} for portal payment {PortalPaymentId}: {Status}",
            id, request.Metadata.PortalPaymentId, status);
        return ToChargeResult(payment);
    }

    private SandboxFault DrawFault()
    {
        if (_options.Faults == SandboxFault.None) return SandboxFault.None;
        // Drawn under the file lock, so a given seed gives the same sequence of faults for the same sequence of
        // charges.
        return _options.FaultRate >= 1 || _faults.NextDouble() < _options.FaultRate
            ? _options.Faults
            : SandboxFault.None;
    }

    public Task<ProcessorPayment?> GetPaymentAsync(
        string processorPaymentId, string? connectedAccountId = null, CancellationToken cancellationToken = default) =>
        WithDbAsync(async db => (await ReadPaymentAsync(
            db, null, "id = $id", cancellationToken, ("$id", processorPaymentId)))?.Payment, cancellationToken);

    public Task<ProcessorPayment?> FindPaymentAsync(
        PaymentLookup lookup, CancellationToken cancellationToken = default) =>
        WithDbAsync(async db => (await ReadPaymentAsync(
                db, null, "idempotency_key = $k", cancellationToken, ("$k", lookup.IdempotencyKey)))?.Payment,
            cancellationToken);

    /// <summary>The sandbox's 3-D Secure page calls this when the customer approves or refuses the challenge.</summary>
    public Task<ProcessorPayment?> CompleteAuthenticationAsync(
        string processorPaymentId, bool approve, CancellationToken cancellationToken = default) =>
        WithDbAsync(async db =>
        {
            using var tx = db.BeginTransaction();
            var row = await ReadPaymentAsync(db, tx, "id = $id", cancellationToken, ("$id", processorPaymentId));
            if (row is null) return null;
            if (row.Value.Payment.Outcome != ChargeOutcome.RequiresAction) return row.Value.Payment;
            await ExecAsync(db, tx,
                "UPDATE payments SET status = $s, failure_code = $fc, next_action_url = NULL, updated_at = $now "
                + "WHERE id = $id",
                cancellationToken, ("$s", approve ? Status.Succeeded : Status.Failed),
                ("$fc", approve ? null : "authentication_failed"), ("$now", Now()), ("$id", processorPaymentId));
            if (approve && row.Value.SetupFutureUsage)
                await AttachAsync(db, tx, row.Value.MethodId, row.Value.CustomerId, cancellationToken);
            var payment = (await ReadPaymentAsync(
                db, tx, "id = $id", cancellationToken, ("$id", processorPaymentId)))!.Value.Payment;
            await AddEventAsync(db, tx, payment, cancellationToken);
            tx.Commit();
            return payment;
        }, cancellationToken);

    /// <summary>
    /// Settles (or returns, for the R01–R04 test accounts) every ACH debit whose settlement delay has passed. Returns
    /// how many moved.
    /// </summary>
    public Task<int> SettleDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WithDbAsync(async db =>
        {
            using var tx = db.BeginTransaction();
            var due = new List<(string Id, string Behaviour)>();
            await using (var cmd = Command(db, tx,
                "SELECT id, behaviour FROM payments WHERE status = $s AND settle_due_at <= $now "
                + "ORDER BY settle_due_at, id",
                ("$s", Status.Processing), ("$now", now.ToUnixTimeMilliseconds())))
            await using (var r = await cmd.ExecuteReaderAsync(cancellationToken))
                while (await r.ReadAsync(cancellationToken)) due.Add((r.GetString(0), r.GetString(1)));

            foreach (var (id, behaviour) in due)
            {
                // A returned debit fails with its network return code, as a processor reports an ACH return.
                var code = Behaviours.ReturnCode(behaviour);
                var status = code is null ? Status.Succeeded : Status.Failed;
                await ExecAsync(db, tx,
                    "UPDATE payments SET status = $s, failure_code = $fc, settle_due_at = NULL, updated_at = $now "
                    + "WHERE id = $id",
                    cancellationToken, ("$s", status), ("$fc", code), ("$now", now.ToUnixTimeMilliseconds()),
                    ("$id", id));
                var payment = (await ReadPaymentAsync(
                    db, tx, "id = $id", cancellationToken, ("$id", id)))!.Value.Payment;
                await AddEventAsync(db, tx, payment, cancellationToken);
            }
            tx.Commit();
            return due.Count;
        }, cancellationToken);

    /// <summary>How many payments the sandbox has ever created (tests: "one click is one processor charge").</summary>
    public Task<int> CountChargesAsync(CancellationToken cancellationToken = default) =>
        WithDbAsync(async db =>
                (int)(await ScalarAsync<long?>(db, null, "SELECT COUNT(*) FROM payments", cancellationToken) ?? 0),
            cancellationToken);

    /// <summary>
    /// Every charge the sandbox ever made (tests and the benchmark check "one payment row, one charge").
    /// </summary>
    public Task<IReadOnlyList<SandboxCharge>> ListChargesAsync(CancellationToken cancellationToken = default) =>
        WithDbAsync<IReadOnlyList<SandboxCharge>>(async db =>
        {
            var list = new List<SandboxCharge>();
            await using var cmd = Command(db, null,
                "SELECT id, idempotency_key, portal_payment_id, amount_cents, status FROM payments "
                + "ORDER BY created_at, id");
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                list.Add(new SandboxCharge(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2),
                    r.GetInt64(3), r.GetString(4)));
            }
            return list;
        }, cancellationToken);

    public Task<SetupResult> CreateSetupAsync(SetupRequest request, CancellationToken cancellationToken = default) =>
        WithDbAsync(async db =>
        {
            var id = NewId("sseti");
            var secret = $"{id}_secret_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
            await ExecAsync(db, null,
                "INSERT INTO setups (id, customer_id, client_secret, status, created_at) "
                + "VALUES ($id, $c, $s, 'requires_payment_method', $now)",
                cancellationToken, ("$id", id), ("$c", request.ProcessorCustomerId), ("$s", secret), ("$now", Now()));
            return new SetupResult(id, secret, SetupOutcome.RequiresPaymentMethod);
        }, cancellationToken);

    public Task<SetupResult> ConfirmSetupAsync(
        ConfirmSetupRequest request, CancellationToken cancellationToken = default) =>
        WithDbAsync(async db =>
        {
            using var tx = db.BeginTransaction();
            var customerId = await ScalarAsync<string>(db, tx, "SELECT customer_id FROM setups WHERE id = $id",
                cancellationToken, ("$id", request.SetupId));
            var method = await ReadMethodAsync(db, tx, request.PaymentMethodToken, cancellationToken);
            SetupResult result;
            if (customerId is null || method is null || (method.Value.CustomerId is { } owner && owner != customerId))
                result = Failed("payment_method_not_found");
            else if (method.Value.Behaviour
                     is Behaviours.CardDeclined or Behaviours.InsufficientFunds or Behaviours.ExpiredCard)
            {
                result = Failed(method.Value.Behaviour);
            }
            else if (method.Value.Kind == "us_bank_account" && request.Mandate is null)
                result = Failed("mandate_required");
            else
            {
                await AttachAsync(db, tx, method.Value.Id, customerId, cancellationToken);
                result = new SetupResult(request.SetupId, null, SetupOutcome.Succeeded, method.Value.Id);
            }
            await ExecAsync(db, tx, "UPDATE setups SET status = $s, payment_method_id = $pm WHERE id = $id",
                cancellationToken,
                ("$s", result.Outcome == SetupOutcome.Succeeded ? "succeeded" : "requires_payment_method"),
                ("$pm", request.PaymentMethodToken), ("$id", request.SetupId));
            tx.Commit();
            return result;

            SetupResult Failed(string code) =>
                new(request.SetupId, null, SetupOutcome.Failed, request.PaymentMethodToken, null, code,
                    code == "mandate_required"
                        ? "The bank debit authorization must be accepted first."
                        : FailureMessages.For(code));
        }, cancellationToken);

    public Task<PaymentMethodDetails?> GetPaymentMethodAsync(
        string token, string? connectedAccountId = null, CancellationToken cancellationToken = default) =>
        WithDbAsync(async db => (await ReadMethodAsync(db, null, token, cancellationToken))?.ToDetails(),
            cancellationToken);

    public Task<IReadOnlyList<PaymentMethodDetails>> ListPaymentMethodsAsync(
        string processorCustomerId, string? connectedAccountId = null, CancellationToken cancellationToken = default) =>
        WithDbAsync<IReadOnlyList<PaymentMethodDetails>>(async db =>
        {
            var list = new List<PaymentMethodDetails>();
            await using var cmd = Command(db, null,
                $"SELECT {MethodColumns} FROM payment_methods WHERE customer_id = $c ORDER BY created_at, id",
                ("$c", processorCustomerId));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) list.Add(MethodRow.Read(r).ToDetails());
            return list;
        }, cancellationToken);

    public Task<DetachOutcome> DetachPaymentMethodAsync(string processorCustomerId, string token,
        string? connectedAccountId = null, CancellationToken cancellationToken = default) =>
        WithDbAsync(async db =>
        {
            var method = await ReadMethodAsync(db, null, token, cancellationToken);
            if (method is null) return DetachOutcome.NotFound;
            if (method.Value.CustomerId != processorCustomerId) return DetachOutcome.NotOwned;
            await ExecAsync(db, null, "UPDATE payment_methods SET customer_id = NULL WHERE id = $id",
                cancellationToken, ("$id", token));
            return DetachOutcome.Detached;
        }, cancellationToken);

    // ---- events ----

    /// <summary>
    /// Events not yet delivered, oldest first, each signed now for POSTing to <c>/webhooks/sandbox</c>.
    /// </summary>
    public Task<IReadOnlyList<SandboxWebhookDelivery>> GetPendingEventsAsync(
        int max = 50, CancellationToken cancellationToken = default) =>
        WithDbAsync<IReadOnlyList<SandboxWebhookDelivery>>(async db =>
        {
            var list = new List<SandboxWebhookDelivery>();
            var t = _time.GetUtcNow().ToUnixTimeSeconds();
            await using var cmd = Command(db, null,
                "SELECT id, type, body FROM events WHERE delivered_at IS NULL ORDER BY seq LIMIT $max", ("$max", max));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                var body = r.GetString(2);
                list.Add(new SandboxWebhookDelivery(r.GetString(0), r.GetString(1), body,
                    WebhookSignature.Header(_options.WebhookSecret, t, body)));
            }
            return list;
        }, cancellationToken);

    /// <summary>
    /// Call after the portal answered 2xx; undelivered events are offered again (the portal skips duplicates by id).
    /// </summary>
    public Task MarkEventDeliveredAsync(string eventId, CancellationToken cancellationToken = default) =>
        WithDbAsync(db => ExecAsync(db, null,
            "UPDATE events SET delivered_at = $now WHERE id = $id AND delivered_at IS NULL", cancellationToken,
            ("$now", Now()), ("$id", eventId)), cancellationToken);

    public WebhookParseResult ParseWebhook(string rawBody, string? signatureHeader)
    {
        var problem = WebhookSignature.Verify(
            _options.WebhookSecret, rawBody ?? "", signatureHeader, _time.GetUtcNow());
        if (problem is not null) return WebhookParseResult.Rejected(problem);
        try
        {
            using var doc = JsonDocument.Parse(rawBody!);
            var root = doc.RootElement;
            var type = root.GetProperty("type").GetString() ?? throw new FormatException();
            var obj = root.GetProperty("data").GetProperty("object");
            var metadata = obj.GetProperty("metadata");
            long? portalId = metadata.TryGetProperty("portal_payment_id", out var p)
                && long.TryParse(p.GetString(), CultureInfo.InvariantCulture, out var n) ? n : null;
            long? amount = obj.TryGetProperty("amount", out var a) && a.TryGetInt64(out var cents) ? cents : null;
            var currency = obj.TryGetProperty("currency", out var c) ? c.GetString() : null;
            var key = metadata.TryGetProperty("idempotency_key", out var k) ? k.GetString() : null;
            string? code = obj.TryGetProperty("last_payment_error", out var err)
                && err.ValueKind == JsonValueKind.Object
                ? err.GetProperty("code").GetString()
                : null;
            string? message = code is null ? null : err.GetProperty("message").GetString();
            PaymentStatus? status = type switch
            {
                "payment_intent.succeeded" => PaymentStatus.Succeeded,
                "payment_intent.processing" => PaymentStatus.Processing,
                "payment_intent.requires_action" => PaymentStatus.RequiresAction,
                "payment_intent.payment_failed" => PaymentStatus.Failed,
                _ => null,
            };
            var created = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("created").GetInt64());
            return WebhookParseResult.Accepted(new ProcessorEvent(root.GetProperty("id").GetString()!, type, created,
                obj.GetProperty("id").GetString(), status, portalId, code, message, amount, currency, key));
        }
        catch (Exception ex)
            when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return WebhookParseResult.Rejected("The event body is malformed.");
        }
    }

    private async Task AddEventAsync(
        SqliteConnection db, SqliteTransaction tx, ProcessorPayment payment, CancellationToken ct)
    {
        var type = payment.Outcome switch
        {
            ChargeOutcome.Succeeded => "payment_intent.succeeded",
            ChargeOutcome.Processing => "payment_intent.processing",
            ChargeOutcome.RequiresAction => "payment_intent.requires_action",
            _ => "payment_intent.payment_failed",
        };
        var id = NewId("sevt");
        var now = _time.GetUtcNow();
        var body = JsonSerializer.Serialize(new
        {
            id,
            @object = "event",
            type,
            created = now.ToUnixTimeSeconds(),
            data = new
            {
                @object = new
                {
                    id = payment.ProcessorPaymentId,
                    @object = "payment_intent",
                    status = payment.Outcome switch
                    {
                        ChargeOutcome.Succeeded => Status.Succeeded,
                        ChargeOutcome.Processing => Status.Processing,
                        ChargeOutcome.RequiresAction => Status.RequiresAction,
                        _ => "requires_payment_method",
                    },
                    amount = payment.AmountCents,
                    currency = payment.Currency,
                    metadata = new Dictionary<string, string?>
                    {
                        ["portal_payment_id"] = payment.PortalPaymentId?.ToString(CultureInfo.InvariantCulture),
                        ["idempotency_key"] = payment.IdempotencyKey,
                    },
                    last_payment_error = payment.FailureCode is null
                        ? null
                        : new { code = payment.FailureCode, message = payment.FailureMessage },
                },
            },
        });
        await ExecAsync(db, tx,
            "INSERT INTO events (id, type, payment_id, body, created_at) VALUES ($id, $t, $p, $b, $now)", ct,
            ("$id", id), ("$t", type), ("$p", payment.ProcessorPaymentId), ("$b", body),
            ("$now", now.ToUnixTimeMilliseconds()));
    }

    // ---- storage ----

    private const string MethodColumns =
        "id, kind, brand, last4, exp_month, exp_year, bank_name, account_type, behaviour, customer_id";
    private const string PaymentColumns =
        "id, idempotency_key, customer_id, payment_method_id, kind, amount_cents, currency, status, failure_code, "
        + "next_action_url, portal_payment_id, setup_future_usage";

    private readonly record struct MethodRow(string Id, string Kind, string? Brand, string Last4, int? ExpMonth,
        int? ExpYear, string? BankName, string? AccountType, string Behaviour, string? CustomerId)
    {
        public static MethodRow Read(SqliteDataReader r) => new(r.GetString(0), r.GetString(1),
            r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3),
            r.IsDBNull(4) ? null : r.GetInt32(4), r.IsDBNull(5) ? null : r.GetInt32(5),
            r.IsDBNull(6) ? null : r.GetString(6),
            r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9));

        public PaymentMethodDetails ToDetails() => Kind == "card"
            ? new PaymentMethodDetails(Id, PaymentMethodKind.Card, CustomerId, Last4,
                Brand: Brand, ExpMonth: ExpMonth, ExpYear: ExpYear)
            : new PaymentMethodDetails(Id, PaymentMethodKind.BankAccount, CustomerId, Last4,
                BankName: BankName, AccountType: AccountType);
    }

    private readonly record struct PaymentRow(
        ProcessorPayment Payment, string CustomerId, string MethodId, long AmountCents, bool SetupFutureUsage);

    private static async Task<MethodRow?> ReadMethodAsync(
        SqliteConnection db, SqliteTransaction? tx, string token, CancellationToken ct)
    {
        await using var cmd = Command(db, tx,
            $"SELECT {MethodColumns} FROM payment_methods WHERE id = $id", ("$id", token));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? MethodRow.Read(r) : null;
    }

    private static async Task<PaymentRow?> ReadPaymentAsync(SqliteConnection db, SqliteTransaction? tx, string where,
        CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = Command(db, tx, $"SELECT {PaymentColumns} FROM payments WHERE {where}", args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var kind = r.GetString(4) == "card" ? PaymentMethodKind.Card : PaymentMethodKind.BankAccount;
        var outcome = r.GetString(7) switch
        {
            Status.Succeeded => ChargeOutcome.Succeeded,
            Status.Processing => ChargeOutcome.Processing,
            Status.RequiresAction => ChargeOutcome.RequiresAction,
            _ => ChargeOutcome.Declined,
        };
        var code = r.IsDBNull(8) ? null : r.GetString(8);
        var payment = new ProcessorPayment(r.GetString(0), outcome, r.GetInt64(5), r.GetString(6), r.GetString(1),
            r.IsDBNull(10) ? null : r.GetInt64(10), r.IsDBNull(9) ? null : r.GetString(9), code,
            code is null ? null : FailureMessages.For(code, kind));
        return new PaymentRow(payment, r.GetString(2), r.GetString(3), r.GetInt64(5), r.GetInt64(11) == 1);
    }

    private static ChargeResult ToChargeResult(ProcessorPayment p) =>
        new(p.Outcome, p.ProcessorPaymentId, p.NextActionUrl, p.FailureCode, p.FailureMessage);

    private static Task AttachAsync(
        SqliteConnection db, SqliteTransaction tx, string methodId, string customerId, CancellationToken ct) =>
        ExecAsync(db, tx, "UPDATE payment_methods SET customer_id = $c WHERE id = $id AND customer_id IS NULL", ct,
            ("$c", customerId), ("$id", methodId));

    private async Task<T> WithDbAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            await using var db = new SqliteConnection(_connectionString);
            await db.OpenAsync(ct);
            if (!_created)
            {
                await ExecAsync(db, null, Schema, ct);
                // Write-ahead logging persists in the file: one append per commit instead of a rollback journal.
                await ExecAsync(db, null, "PRAGMA journal_mode=WAL;", ct);
                _created = true;
            }
            // A test processor: surviving a process crash is enough (WAL + NORMAL); an OS crash may lose its last
            // commits. Once per native connection (the pool hands the same ones back).
            if (!_tuned.TryGetValue(db.Handle!, out _))
            {
                await ExecAsync(db, null, "PRAGMA synchronous=NORMAL;", ct);
                _tuned.AddOrUpdate(db.Handle!, db.Handle!);
            }
            return await work(db);
        }
        finally
        {
            _lock.Release();
        }
    }

    private Task WithDbAsync(Func<SqliteConnection, Task> work, CancellationToken ct) =>
        WithDbAsync(async db => { await work(db); return 0; }, ct);

    private static SqliteCommand Command(
        SqliteConnection db, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private static async Task ExecAsync(
        SqliteConnection db, SqliteTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = Command(db, tx, sql, args);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T?> ScalarAsync<T>(
        SqliteConnection db, SqliteTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = Command(db, tx, sql, args);
        var value = await cmd.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default : (T)value;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string NewId(string prefix) =>
        $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS customers (
            id TEXT PRIMARY KEY, company_id INTEGER NOT NULL, portal_customer_id INTEGER NOT NULL, name TEXT NOT NULL,
            email TEXT, created_at INTEGER NOT NULL, UNIQUE (company_id, portal_customer_id));
        CREATE TABLE IF NOT EXISTS payment_methods (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, brand TEXT, last4 TEXT NOT NULL, exp_month INTEGER,
            exp_year INTEGER, bank_name TEXT, account_type TEXT, behaviour TEXT NOT NULL, customer_id TEXT,
            created_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_payment_methods_customer ON payment_methods (customer_id);
        CREATE TABLE IF NOT EXISTS payments (
            id TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL,
            payment_method_id TEXT NOT NULL, kind TEXT NOT NULL, behaviour TEXT NOT NULL, amount_cents INTEGER NOT NULL,
            currency TEXT NOT NULL, status TEXT NOT NULL, failure_code TEXT, next_action_url TEXT,
            portal_payment_id INTEGER, company_id INTEGER, portal_customer_id INTEGER, connected_account_id TEXT,
            setup_future_usage INTEGER NOT NULL, off_session INTEGER NOT NULL, settle_due_at INTEGER,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_payments_settle ON payments (status, settle_due_at);
        CREATE TABLE IF NOT EXISTS setups (
            id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, client_secret TEXT NOT NULL, status TEXT NOT NULL,
            payment_method_id TEXT, created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, payment_id TEXT,
            body TEXT NOT NULL, created_at INTEGER NOT NULL, delivered_at INTEGER);
        -- Delivery reads the undelivered events oldest first: without this it read past every delivered event each
        -- time.
        CREATE INDEX IF NOT EXISTS ix_events_undelivered ON events (seq) WHERE delivered_at IS NULL;
        """;
}
