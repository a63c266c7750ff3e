using System.Net;
using System.Text;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// Saved cards and bank accounts: save and reuse, remove, tenancy, expiry; plan and configuration refusals.
/// </summary>
public sealed class SavedMethodTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PayKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task ASavedCardIsPreselectedReusedAndCanBeRemoved()
    {
        var first = await _kit.OpenInvoicesAsync(1);
        await _kit.SelectAsync(first.Select(i => i.Id));
        PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.Visa), save: true));
        var saved = await _kit.DbAsync(
            db => db.SavedPaymentMethods.AsNoTracking().SingleAsync(m => m.CustomerId == _kit.CustomerId));

        var second = await _kit.OpenInvoicesAsync(1);
        await _kit.SelectAsync(second.Select(i => i.Id));
        var page = await _kit.Client.GetDocumentAsync("/pay/checkout");
        var radio = page.QuerySelector($"input[name=Method][value=saved-{saved.Id}]")!;
        Assert.True(radio.HasAttribute("checked"));
        Assert.Contains("Visa •••• 4242", page.QuerySelector("[data-testid=methods]")!.TextContent);
        var id = PayKit.PaymentIdFrom(await _kit.PayAsync($"saved-{saved.Id}"));
        Assert.Equal(PaymentStatus.Succeeded,
            await _kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));

        var confirm = await _kit.Client.GetDocumentAsync(
            $"/pay/methods/{saved.Id}/remove?return_url=%2Fpay%2Fcheckout");
        Assert.Contains("Remove Visa •••• 4242?", confirm.QuerySelector("h1")!.TextContent);
        var removed = await _kit.Client.PostFormAsync(
            confirm, $"/pay/methods/{saved.Id}/remove?return_url=%2Fpay%2Fcheckout", new());
        Assert.Equal("/pay/checkout", removed.Headers.Location!.ToString());
        Assert.NotNull((await _kit.DbAsync(db =>
            db.SavedPaymentMethods.AsNoTracking().SingleAsync(m => m.Id == saved.Id))).RemovedAt);
        Assert.Empty((await _kit.Sandbox.ListPaymentMethodsAsync(
            (await _kit.DbAsync(db => db.Customers.SingleAsync(c => c.Id == _kit.CustomerId))).ProcessorCustomerId!)));
        // a removed method cannot be paid with
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await _kit.PayAsync($"saved-{saved.Id}")).StatusCode);
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task ABankAccountCanBeSavedWithoutPayingOnlyWithTheAuthorization()
    {
        var token = await _kit.BankTokenAsync(PayKit.AchOk);
        var refused = await _kit.Client.PostAsync(
            "/pay/methods", new() { ["token"] = token, ["return_url"] = "/pay/checkout" }, tokenPage: "/pay/history");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var ok = await _kit.Client.PostAsync("/pay/methods", new() { ["token"] = token,
            ["achAuthorized"] = "true", ["return_url"] = "/pay/checkout" }, tokenPage: "/pay/history");
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var saved = await _kit.DbAsync(
            db => db.SavedPaymentMethods.AsNoTracking().SingleAsync(m => m.CustomerId == _kit.CustomerId));
        Assert.Equal(("SANDBOX TEST BANK", "6789"), (saved.BankName!.ToUpperInvariant(), saved.Last4));
        Assert.Single(
            await _kit.DbAsync(db => db.AchMandates.Where(m => m.SavedPaymentMethodId == saved.Id).ToListAsync()));
    }

    [Fact]
    public async Task AnotherCustomersMethodIsNotFound()
    {
        var other = await _kit.DbAsync(async db =>
        {
            var alpine = await db.Customers.SingleAsync(c => c.Name == "Alpine Events Co.");
            var m = SavedPaymentMethod.Card(
                alpine.Id, "spm_not_yours", "Visa", "1111", 12, 2030, _kit.Factory.Clock.GetUtcNow());
            db.SavedPaymentMethods.Add(m);
            await db.SaveChangesAsync();
            return m.Id;
        });
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await _kit.PayAsync($"saved-{other}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _kit.Client.GetAsync($"/pay/methods/{other}/remove")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await _kit.Client.PostAsync($"/pay/methods/{other}/remove", tokenPage: "/pay/history")).StatusCode);
        Assert.Null((await _kit.DbAsync(db => db.SavedPaymentMethods.SingleAsync(m => m.Id == other))).RemovedAt);
        Assert.Empty(await _kit.DbAsync(db => db.Payments.ToListAsync()));
        // and another customer's payment
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        var mine = PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.Visa)));
        var alpineClient = await PortalClient.SignedInAsync(_kit.Factory, DemoAccounts.SecondCustomer);
        Assert.Equal(HttpStatusCode.NotFound, (await alpineClient.GetAsync($"/pay/payments/{mine}")).StatusCode);
        await _kit.AssertInvariantsAsync();
    }

    [Fact]
    public async Task AnExpiredCardIsShownButCannotBeChosen()
    {
        var expired = await _kit.DbAsync(async db =>
        {
            var m = SavedPaymentMethod.Card(
                _kit.CustomerId, "spm_expired", "Visa", "0005", 10, 2026, _kit.Factory.Clock.GetUtcNow());
            db.SavedPaymentMethods.Add(m);
            await db.SaveChangesAsync();
            return m.Id;
        });
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        var page = await _kit.Client.GetDocumentAsync("/pay/checkout");
        var radio = page.QuerySelector($"input[value=saved-{expired}]")!;
        Assert.True(radio.HasAttribute("disabled"));
        Assert.Contains("Expired", page.QuerySelector("[data-testid=methods]")!.TextContent);
        var response = await _kit.PayAsync($"saved-{expired}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expired", await response.Content.ReadAsStringAsync());
        Assert.Empty(await _kit.DbAsync(db => db.Payments.ToListAsync()));
    }

    [Fact]
    public async Task AStandardPlanCustomerIsToldOnlinePaymentIsNotEnabled()
    {
        var client = await PortalClient.SignedInAsync(_kit.Factory, DemoAccounts.StandardCustomer);
        var response = await client.GetAsync("/pay/checkout");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(
            "Online payment is not enabled for Prairie Portables.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void StripeWithoutKeysRefusesToStartAndNamesTheSetting()
    {
        using var factory = new PortalFactory().With("Payments:Provider", "Stripe");
        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Payments:Stripe:SecretKey is missing", ex.ToString());
    }

    [Fact]
    public async Task NoCardOrBankNumberRestsInTheDatabasesOrTheLogs()
    {
        foreach (var card in new[] { PayKit.Visa, PayKit.Declined, PayKit.NoFunds, PayKit.ThreeDs, PayKit.ExpiredCard })
        {
            await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
            await _kit.PayAsync("new-" + await _kit.CardTokenAsync(card), save: true);
        }
        foreach (var account in new[] { PayKit.AchOk, PayKit.AchR01, PayKit.AchR02 })
        {
            await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
            await _kit.PayAsync("new-" + await _kit.BankTokenAsync(account), save: true, achAuthorized: true);
        }
        _kit.Factory.Clock.Advance(TimeSpan.FromMinutes(3));
        await _kit.RunJobsAsync();
        await _kit.AssertInvariantsAsync();

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = Directory.GetFiles(_kit.Factory.DataFolder, "*.db*");
        Assert.Contains(files, f => f.EndsWith("sandbox.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("portal.db", StringComparison.Ordinal));
        var logs = string.Join("\n", _kit.Factory.Logs.Events);
        Assert.NotEmpty(_kit.Factory.Logs.Events);
        foreach (var number in PayKit.SecretNumbers)
        {
            foreach (var file in files)
            {
                var bytes = await ReadSharedAsync(file);
                Assert.False(
                    Contains(bytes, Encoding.ASCII.GetBytes(number)), $"{number} found in {Path.GetFileName(file)}");
                Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(number)),
                    $"{number} (UTF-16) found in {Path.GetFileName(file)}");
            }
            Assert.DoesNotContain(number, logs);
        }
    }

    internal static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }

    internal static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
