using System.Text;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Payments;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CustomerPortal.Infrastructure.Tests.Payments;

public sealed class SandboxProcessorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sandbox-tests-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private string DbPath => Path.Combine(_dir, "sandbox.db");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private SandboxProcessor NewSandbox(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions
        {
            DatabasePath = DbPath, WebhookSecret = "whsec_test", AchSettlementDelay = TimeSpan.FromHours(48),
        };
        configure?.Invoke(options);
        return new SandboxProcessor(Options.Create(options), _time, NullLogger<SandboxProcessor>.Instance);
    }

    private static async Task<(string Customer, string Token)> CardAsync(
        SandboxProcessor sandbox, string number, long customerId = 7)
    {
        var customer = await sandbox.EnsureCustomerAsync(
            new GatewayCustomer(1, customerId, "Ada Lovelace", "ada@example.com"));
        var token = await sandbox.TokenizeCardAsync(number, 12, 2030, "123");
        Assert.True(token.Succeeded, token.ErrorMessage);
        return (customer, token.Token!);
    }

    private static async Task<(string Customer, string Token)> BankAsync(SandboxProcessor sandbox, string account)
    {
        var customer = await sandbox.EnsureCustomerAsync(new GatewayCustomer(1, 7, "Ada Lovelace", "ada@example.com"));
        var token = await sandbox.TokenizeBankAccountAsync("110000000", account);
        Assert.True(token.Succeeded, token.ErrorMessage);
        return (customer, token.Token!);
    }

    private static ChargeRequest Charge(string customer, string token, string key = "draft-1", long cents = 12_345,
        bool offSession = false, bool save = false, PaymentMethodKind kind = PaymentMethodKind.Card) => new()
    {
        ProcessorCustomerId = customer,
        PaymentMethodToken = token,
        AmountCents = cents,
        IdempotencyKey = key,
        Metadata = new ChargeMetadata(PortalPaymentId: 42, CompanyId: 1, CustomerId: 7),
        OffSession = offSession,
        SetupFutureUsage = save,
        MethodKind = kind,
        ReturnUrl = offSession ? null : "https://portal.test/pay/return",
    };

    [Fact]
    public async Task Card4242SucceedsAndIsDescribedWithoutItsNumber()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, "4242 4242 4242 4242");

        var result = await sandbox.ChargeAsync(Charge(customer, token));

        Assert.Equal(ChargeOutcome.Succeeded, result.Outcome);
        Assert.StartsWith("spi_", result.ProcessorPaymentId);
        Assert.Equal(PaymentStatus.Succeeded, result.ToPaymentStatus());
        var method = await sandbox.GetPaymentMethodAsync(token);
        Assert.Equal(("Visa", "4242", 12, 2030), (method!.Brand, method.Last4, method.ExpMonth, method.ExpYear));
    }

    [Theory]
    [InlineData("4000000000000002", "card_declined", "Your card was declined.")]
    [InlineData("4000000000009995", "insufficient_funds", "Your card has insufficient funds.")]
    [InlineData("4000000000000069", "expired_card", "Your card has expired.")]
    public async Task DecliningCardsAreDeclinedInPlainWords(string number, string code, string message)
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, number);

        var result = await sandbox.ChargeAsync(Charge(customer, token));

        Assert.Equal(ChargeOutcome.Declined, result.Outcome);
        Assert.Equal(code, result.FailureCode);
        Assert.Equal(message, result.FailureMessage);
        Assert.Equal(PaymentStatus.Failed, result.ToPaymentStatus());
    }

    [Fact]
    public async Task Card3155NeedsAuthenticationThenSucceedsWhenApproved()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, "4000002500003155");

        var result = await sandbox.ChargeAsync(Charge(customer, token));

        Assert.Equal(ChargeOutcome.RequiresAction, result.Outcome);
        Assert.Equal($"/sandbox/3ds/{result.ProcessorPaymentId}", result.NextActionUrl);
        var done = await sandbox.CompleteAuthenticationAsync(result.ProcessorPaymentId!, approve: true);
        Assert.Equal(ChargeOutcome.Succeeded, done!.Outcome);
        Assert.Equal(ChargeOutcome.Succeeded, (await sandbox.GetPaymentAsync(result.ProcessorPaymentId!))!.Outcome);
    }

    [Fact]
    public async Task Card3155RefusedAuthenticationFails()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, "4000002500003155");
        var result = await sandbox.ChargeAsync(Charge(customer, token));

        var done = await sandbox.CompleteAuthenticationAsync(result.ProcessorPaymentId!, approve: false);

        Assert.Equal(ChargeOutcome.Declined, done!.Outcome);
        Assert.Equal("authentication_failed", done.FailureCode);
    }

    [Fact]
    public async Task Card3155OffSessionWithoutSetupIsDeclinedAsAuthenticationRequired()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, "4000002500003155");

        var result = await sandbox.ChargeAsync(Charge(customer, token, offSession: true));

        Assert.Equal(ChargeOutcome.Declined, result.Outcome);
        Assert.Equal("authentication_required", result.FailureCode);
    }

    [Theory]
    [InlineData("4242424242424241", "invalid_number")]
    [InlineData("1234", "invalid_number")]
    public async Task NumbersFailingLuhnAreRefusedAtEntry(string number, string code)
    {
        var sandbox = NewSandbox();
        var result = await sandbox.TokenizeCardAsync(number, 12, 2030, "123");
        Assert.False(result.Succeeded);
        Assert.Equal(code, result.ErrorCode);
    }

    [Fact]
    public async Task ReplayingAKeyReturnsTheSameChargeAndChargesOnce()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, "4242424242424242");

        var first = await sandbox.ChargeAsync(Charge(customer, token, key: "draft-9"));
        var second = await sandbox.ChargeAsync(Charge(customer, token, key: "draft-9"));

        Assert.Equal(first, second);
        Assert.Equal(1, await sandbox.CountChargesAsync());
    }

    [Fact]
    public async Task ReplayingADeclinedKeyReplaysTheDecline()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, "4000000000000002");
        var first = await sandbox.ChargeAsync(Charge(customer, token));
        var second = await sandbox.ChargeAsync(Charge(customer, token));
        Assert.Equal(first, second);
        Assert.Equal(1, await sandbox.CountChargesAsync());
    }

    [Fact]
    public async Task TwentyParallelChargesWithOneKeyMakeOneCharge()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, "4242424242424242");

        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => sandbox.ChargeAsync(Charge(customer, token, key: "double-click")))));

        Assert.Single(results.Select(r => r.ProcessorPaymentId).Distinct());
        Assert.All(results, r => Assert.Equal(ChargeOutcome.Succeeded, r.Outcome));
        Assert.Equal(1, await sandbox.CountChargesAsync());
    }

    [Fact]
    public async Task TwoInstancesOnOneFileStillChargeOncePerKey()
    {
        var a = NewSandbox();
        var b = NewSandbox();
        var (customer, token) = await CardAsync(a, "4242424242424242");

        var results = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => (i % 2 == 0 ? a : b).ChargeAsync(Charge(customer, token, key: "k"))));

        Assert.Single(results.Select(r => r.ProcessorPaymentId).Distinct());
        Assert.Equal(1, await b.CountChargesAsync());
    }

    [Fact]
    public async Task AchIsProcessingUntilTheSettlementDelayThenSucceeds()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await BankAsync(sandbox, "000123456789");

        var result = await sandbox.ChargeAsync(Charge(customer, token, kind: PaymentMethodKind.BankAccount));
        Assert.Equal(ChargeOutcome.Processing, result.Outcome);

        Assert.Equal(0, await sandbox.SettleDueAsync(_time.GetUtcNow().AddHours(47)));
        Assert.Equal(ChargeOutcome.Processing, (await sandbox.GetPaymentAsync(result.ProcessorPaymentId!))!.Outcome);

        Assert.Equal(1, await sandbox.SettleDueAsync(_time.GetUtcNow().AddHours(48)));
        Assert.Equal(ChargeOutcome.Succeeded, (await sandbox.GetPaymentAsync(result.ProcessorPaymentId!))!.Outcome);
        Assert.Equal(0, await sandbox.SettleDueAsync(_time.GetUtcNow().AddHours(96)));
    }

    [Theory]
    [InlineData("000111111116", "R01", "Returned by your bank (R01: insufficient funds)")]
    [InlineData("000111111113", "R02", "Returned by your bank (R02: account closed)")]
    [InlineData("000111111103", "R03", "Returned by your bank (R03: no account or unable to locate the account)")]
    [InlineData("000111111104", "R04", "Returned by your bank (R04: invalid account number)")]
    public async Task AchReturnsFailAfterTheDelayWithTheReturnCode(string account, string code, string message)
    {
        var sandbox = NewSandbox();
        var (customer, token) = await BankAsync(sandbox, account);
        var result = await sandbox.ChargeAsync(Charge(customer, token, kind: PaymentMethodKind.BankAccount));
        Assert.Equal(ChargeOutcome.Processing, result.Outcome);

        await sandbox.SettleDueAsync(_time.GetUtcNow().AddDays(3));

        var payment = await sandbox.GetPaymentAsync(result.ProcessorPaymentId!);
        Assert.Equal(ChargeOutcome.Declined, payment!.Outcome);
        Assert.Equal(code, payment.FailureCode);
        Assert.Equal(message, payment.FailureMessage);
        var events = await sandbox.GetPendingEventsAsync();
        var failed = sandbox.ParseWebhook(events[^1].Body, events[^1].SignatureHeader).Event!;
        Assert.Equal((PaymentStatus.Failed, code, message),
            (failed.NewStatus!.Value, failed.FailureCode, failed.FailureMessage));
    }

    [Theory]
    [InlineData(SandboxFault.Timeout)]
    [InlineData(SandboxFault.ServerError)]
    public async Task TimeoutAndServerErrorChargeNothingAndAnswerUnknown(SandboxFault fault)
    {
        var sandbox = NewSandbox(o => o.Faults = fault);
        var (customer, token) = await CardAsync(sandbox, "4242424242424242");

        var result = await sandbox.ChargeAsync(Charge(customer, token));

        Assert.Equal(ChargeOutcome.Unknown, result.Outcome);
        Assert.Equal(0, await sandbox.CountChargesAsync());
        Assert.Null(await sandbox.FindPaymentAsync(new PaymentLookup("draft-1")));
    }

    [Fact]
    public async Task DroppedResponseChargesOnceAndReconciliationFindsItByKey()
    {
        var sandbox = NewSandbox(o => o.Faults = SandboxFault.DropResponseAfterCharge);
        var (customer, token) = await CardAsync(sandbox, "4242424242424242");

        var result = await sandbox.ChargeAsync(Charge(customer, token));
        var retry = await sandbox.ChargeAsync(Charge(customer, token));

        Assert.Equal(ChargeOutcome.Unknown, result.Outcome);
        Assert.Equal(ChargeOutcome.Unknown, retry.Outcome);
        Assert.Equal(1, await sandbox.CountChargesAsync());
        var found = await sandbox.FindPaymentAsync(new PaymentLookup("draft-1"));
        Assert.Equal((ChargeOutcome.Succeeded, 12_345L, 42L),
            (found!.Outcome, found.AmountCents, found.PortalPaymentId!.Value));
    }

    [Fact]
    public async Task FaultRateWithASeedHitsTheSameChargesEveryRun()
    {
        async Task<string> RunAsync(string name)
        {
            var sandbox = new SandboxProcessor(Options.Create(new SandboxOptions
            {
                DatabasePath = Path.Combine(_dir, name), WebhookSecret = "s", Faults = SandboxFault.ServerError,
                FaultRate = 0.5, FaultSeed = 99,
            }), _time, NullLogger<SandboxProcessor>.Instance);
            var (customer, token) = await CardAsync(sandbox, "4242424242424242");
            var pattern = new StringBuilder();
            for (var i = 0; i < 20; i++)
            {
                pattern.Append((await sandbox.ChargeAsync(Charge(customer, token, key: $"k{i}"))).Outcome
                    == ChargeOutcome.Unknown ? 'x' : '.');
            }
            return pattern.ToString();
        }

        var first = await RunAsync("a.db");
        Assert.Equal(first, await RunAsync("b.db"));
        Assert.Contains('x', first);
        Assert.Contains('.', first);
    }

    [Fact]
    public async Task StateSurvivesANewInstanceOnTheSameFile()
    {
        var before = NewSandbox();
        var (customer, token) = await CardAsync(before, "4242424242424242");
        var charged = await before.ChargeAsync(Charge(customer, token, save: true));

        var after = NewSandbox();

        Assert.Equal(customer, await after.EnsureCustomerAsync(new GatewayCustomer(1, 7, "Ada Lovelace", null)));
        Assert.Equal(ChargeOutcome.Succeeded, (await after.GetPaymentAsync(charged.ProcessorPaymentId!))!.Outcome);
        Assert.Equal(token, Assert.Single(await after.ListPaymentMethodsAsync(customer)).Token);
        Assert.Equal(charged, await after.ChargeAsync(Charge(customer, token)));
        Assert.Equal(1, await after.CountChargesAsync());
    }

    [Fact]
    public async Task TheStoreNeverHoldsAFullCardOrAccountNumber()
    {
        var sandbox = NewSandbox();
        var (customer, card) = await CardAsync(sandbox, "4242424242424242");
        var (_, bank) = await BankAsync(sandbox, "000123456789");
        await sandbox.ChargeAsync(Charge(customer, card, key: "a", save: true));
        await sandbox.ChargeAsync(Charge(customer, bank, key: "b", kind: PaymentMethodKind.BankAccount));

        foreach (var file in Directory.GetFiles(_dir))
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(file);
            }
            catch (FileNotFoundException)
            {
                // A -wal/-shm file SQLite removed as its last connection closed (another test class cleared the pools).
                continue;
            }
            var text = Encoding.Latin1.GetString(bytes);
            Assert.DoesNotContain("4242424242424242", text);
            Assert.DoesNotContain("000123456789", text);
            Assert.DoesNotContain("110000000", text);
        }
        var details = await sandbox.GetPaymentMethodAsync(bank);
        Assert.Equal(("Sandbox Test Bank", "checking", "6789"),
            (details!.BankName, details.AccountType, details.Last4));
    }

    [Fact]
    public async Task EventsAreSignedAndVerifiedByParseWebhook()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, "4242424242424242");
        var charged = await sandbox.ChargeAsync(Charge(customer, token));

        var delivery = Assert.Single(await sandbox.GetPendingEventsAsync());
        var parsed = sandbox.ParseWebhook(delivery.Body, delivery.SignatureHeader);

        Assert.True(parsed.IsValid, parsed.RejectionReason);
        Assert.Equal(("payment_intent.succeeded", charged.ProcessorPaymentId, PaymentStatus.Succeeded, 42L),
            (parsed.Event!.Type, parsed.Event.ProcessorPaymentId, parsed.Event.NewStatus!.Value,
                parsed.Event.PortalPaymentId!.Value));
        Assert.Equal(delivery.EventId, parsed.Event.EventId);
        // what the portal checks the event against the payment it names with (ProcessorEventMatch)
        Assert.Equal((12_345L, "usd", "draft-1"),
            (parsed.Event.AmountCents, parsed.Event.Currency, parsed.Event.IdempotencyKey));

        await sandbox.MarkEventDeliveredAsync(delivery.EventId);
        Assert.Empty(await sandbox.GetPendingEventsAsync());
    }

    [Fact]
    public async Task WebhooksTamperedStaleOrUnsignedAreRejected()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, "4242424242424242");
        await sandbox.ChargeAsync(Charge(customer, token));
        var delivery = Assert.Single(await sandbox.GetPendingEventsAsync());

        Assert.False(sandbox.ParseWebhook(
            delivery.Body.Replace("12345", "1", StringComparison.Ordinal), delivery.SignatureHeader).IsValid);
        Assert.False(sandbox.ParseWebhook(delivery.Body, null).IsValid);
        Assert.False(sandbox.ParseWebhook(delivery.Body,
            WebhookSignature.Header("whsec_other", _time.GetUtcNow().ToUnixTimeSeconds(), delivery.Body)).IsValid);
        _time.Advance(TimeSpan.FromSeconds(301));
        var stale = sandbox.ParseWebhook(delivery.Body, delivery.SignatureHeader);
        Assert.False(stale.IsValid);
        Assert.Contains("tolerance", stale.RejectionReason);
    }

    [Fact]
    public async Task DetachRefusesAnotherCustomersMethod()
    {
        var sandbox = NewSandbox();
        var (owner, token) = await CardAsync(sandbox, "4242424242424242");
        await sandbox.ChargeAsync(Charge(owner, token, save: true));
        var stranger = await sandbox.EnsureCustomerAsync(new GatewayCustomer(1, 8, "Someone Else", null));

        Assert.Equal(DetachOutcome.NotOwned, await sandbox.DetachPaymentMethodAsync(stranger, token));
        Assert.Single(await sandbox.ListPaymentMethodsAsync(owner));
        Assert.Equal(DetachOutcome.Detached, await sandbox.DetachPaymentMethodAsync(owner, token));
        Assert.Empty(await sandbox.ListPaymentMethodsAsync(owner));
        Assert.Equal(DetachOutcome.NotFound, await sandbox.DetachPaymentMethodAsync(owner, "spm_missing"));
    }

    [Fact]
    public async Task ChargingAnotherCustomersSavedMethodIsRefused()
    {
        var sandbox = NewSandbox();
        var (owner, token) = await CardAsync(sandbox, "4242424242424242");
        await sandbox.ChargeAsync(Charge(owner, token, key: "a", save: true));
        var stranger = await sandbox.EnsureCustomerAsync(new GatewayCustomer(1, 8, "Someone Else", null));

        var result = await sandbox.ChargeAsync(Charge(stranger, token, key: "b"));

        Assert.Equal(ChargeOutcome.Declined, result.Outcome);
        Assert.Equal(1, await sandbox.CountChargesAsync());
    }

    [Fact]
    public async Task SetupSavesAMethodWithoutPaying()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await BankAsync(sandbox, "000123456789");

        var setup = await sandbox.CreateSetupAsync(new SetupRequest(customer, PaymentMethodKind.BankAccount));
        var withoutMandate = await sandbox.ConfirmSetupAsync(new ConfirmSetupRequest(setup.SetupId, token));
        var confirmed = await sandbox.ConfirmSetupAsync(new ConfirmSetupRequest(setup.SetupId, token,
            Mandate: new MandateAcceptance(_time.GetUtcNow(), "203.0.113.5", "test-agent")));

        Assert.Equal(SetupOutcome.Failed, withoutMandate.Outcome);
        Assert.Equal(SetupOutcome.Succeeded, confirmed.Outcome);
        Assert.Equal(token, Assert.Single(await sandbox.ListPaymentMethodsAsync(customer)).Token);
        Assert.Equal(0, await sandbox.CountChargesAsync());
    }

    [Fact]
    public async Task SavedCard3155IsChargedOffSessionWithoutAChallenge()
    {
        var sandbox = NewSandbox();
        var (customer, token) = await CardAsync(sandbox, "4000002500003155");
        var setup = await sandbox.CreateSetupAsync(new SetupRequest(customer, PaymentMethodKind.Card));
        await sandbox.ConfirmSetupAsync(new ConfirmSetupRequest(setup.SetupId, token));

        var result = await sandbox.ChargeAsync(Charge(customer, token, offSession: true));

        Assert.Equal(ChargeOutcome.Succeeded, result.Outcome);
    }

    [Fact]
    public void MissingWebhookSecretIsAClearStartupError()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => NewSandbox(o => o.WebhookSecret = ""));
        Assert.Contains("WebhookSecret", ex.Message);
    }
}
