using System.Text;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Features.PaymentMethods;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// The demo's saved methods: seeded through the sandbox and the portal's own save path, once, without numbers.
/// </summary>
public sealed class DemoPaymentMethodTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() =>
        _kit = await PayKit.StartAsync(f => f.With("Payments:SeedDemoMethods", "true"));

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<List<SavedPaymentMethod>> MethodsOfAsync(string email) => _kit.DbAsync(async db =>
    {
        var customerId = await db.Customers.Where(c => c.ContactEmail == email).Select(c => c.Id).SingleAsync();
        return await db.SavedPaymentMethods
            .AsNoTracking().Where(m => m.CustomerId == customerId).OrderBy(m => m.Id).ToListAsync();
    });

    [Fact]
    public async Task SummitHasADefaultCardAndABankAccountAndAlpineAnExpiredCard()
    {
        var summit = await MethodsOfAsync(DemoAccounts.ProCustomer);
        Assert.Equal(2, summit.Count);
        var card = summit.Single(m => m.Kind == PaymentMethodKind.Card);
        Assert.Equal(("Visa", "4242", 12, 2029, true),
            (card.Brand, card.Last4, card.ExpMonth!.Value, card.ExpYear!.Value, card.IsDefault));
        var bank = summit.Single(m => m.Kind == PaymentMethodKind.BankAccount);
        Assert.Equal(("6789", "checking", false), (bank.Last4, bank.AccountType, bank.IsDefault));
        Assert.All(summit, m => Assert.StartsWith("spm_", m.ProcessorMethodId));
        Assert.Single(
            await _kit.DbAsync(db => db.AchMandates.Where(a => a.SavedPaymentMethodId == bank.Id).ToListAsync()));

        // attached to the customer at the processor, as a method saved from the checkout would be
        var processorCustomer = await _kit.DbAsync(
            db => db.Customers.Where(c => c.Id == _kit.CustomerId).Select(c => c.ProcessorCustomerId).SingleAsync());
        Assert.Equal(summit.Select(m => m.ProcessorMethodId).Order(),
            (await _kit.Sandbox.ListPaymentMethodsAsync(processorCustomer!)).Select(d => d.Token).Order());

        var alpine = Assert.Single(await MethodsOfAsync(DemoAccounts.SecondCustomer));
        Assert.Equal((PaymentMethodKind.Card, 1, 2024, false),
            (alpine.Kind, alpine.ExpMonth!.Value, alpine.ExpYear!.Value, alpine.IsDefault));
        Assert.True(alpine.IsExpiredOn(new DateOnly(2026, 11, 26)));
    }

    [Fact]
    public async Task SeedingAgainAddsNothingAndNoFullNumberIsStoredOrLogged()
    {
        await using (var scope = _kit.Factory.Scope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<DemoPaymentMethodSeeder>().SeedAsync());
        }
        Assert.Equal(2, (await MethodsOfAsync(DemoAccounts.ProCustomer)).Count);
        Assert.Single(await MethodsOfAsync(DemoAccounts.SecondCustomer));

        // a removed demo method is not brought back by the next start
        var card = (await MethodsOfAsync(DemoAccounts.ProCustomer)).Single(m => m.Kind == PaymentMethodKind.Card);
        await _kit.DbAsync(async db =>
        {
            (await db.SavedPaymentMethods.SingleAsync(m => m.Id == card.Id)).Remove(_kit.Factory.Clock.GetUtcNow());
            return await db.SaveChangesAsync();
        });
        await using (var scope = _kit.Factory.Scope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<DemoPaymentMethodSeeder>().SeedAsync());
        }
        Assert.Single(await MethodsOfAsync(DemoAccounts.ProCustomer), m => m.RemovedAt is null);

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = Directory.GetFiles(_kit.Factory.DataFolder, "*.db*");
        var logs = string.Join("\n", _kit.Factory.Logs.Events);
        foreach (var number in new[] { PayKit.Visa, PayKit.AchOk })
        {
            foreach (var file in files)
            {
                var bytes = await SavedMethodTests.ReadSharedAsync(file);
                Assert.False(SavedMethodTests.Contains(bytes, Encoding.ASCII.GetBytes(number)),
                    $"{number} found in {Path.GetFileName(file)}");
                Assert.False(SavedMethodTests.Contains(bytes, Encoding.Unicode.GetBytes(number)),
                    $"{number} (UTF-16) found in {Path.GetFileName(file)}");
            }
            Assert.DoesNotContain(number, logs);
        }
    }

    [Fact]
    public async Task TheDemoCardIsPreselectedAndPaysAndTheDemoBankAccountPaysByAch()
    {
        var methods = await MethodsOfAsync(DemoAccounts.ProCustomer);
        var card = methods.Single(m => m.Kind == PaymentMethodKind.Card);
        var bank = methods.Single(m => m.Kind == PaymentMethodKind.BankAccount);

        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(2)).Select(i => i.Id));
        var page = await _kit.Client.GetDocumentAsync("/pay/checkout");
        Assert.True(page.QuerySelector($"input[name=Method][value=saved-{card.Id}]")!.HasAttribute("checked"));
        var paid = PayKit.PaymentIdFrom(await _kit.PayAsync($"saved-{card.Id}"));
        Assert.Equal(PaymentStatus.Succeeded,
            await _kit.DbAsync(db => db.Payments.Where(p => p.Id == paid).Select(p => p.Status).SingleAsync()));

        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        var pending = PayKit.PaymentIdFrom(await _kit.PayAsync($"saved-{bank.Id}", achAuthorized: true));
        Assert.Equal(PaymentStatus.Processing,
            await _kit.DbAsync(db => db.Payments.Where(p => p.Id == pending).Select(p => p.Status).SingleAsync()));

        var alpine = await PortalClient.SignedInAsync(_kit.Factory, DemoAccounts.SecondCustomer);
        var expired = Assert.Single(await MethodsOfAsync(DemoAccounts.SecondCustomer));
        await _kit.DbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == DemoAccounts.SecondCustomer);
            var invoice = await db.Invoices.Where(i => i.CustomerId == user.CustomerId
                && i.MultiSiteInvoiceId == null && !i.IsVoid && i.BalanceCents > 0).Select(i => i.Id).FirstAsync();
            await _kit.SelectAsync([invoice], user.Id, user.CustomerId);
            return 0;
        });
        var alpinePage = await alpine.GetDocumentAsync("/pay/checkout");
        var radio = alpinePage.QuerySelector($"input[value=saved-{expired.Id}]")!;
        Assert.True(radio.HasAttribute("disabled"));
        Assert.False(radio.HasAttribute("checked"));
        Assert.Contains("Expired", alpinePage.QuerySelector("[data-testid=methods]")!.TextContent);
        await _kit.AssertInvariantsAsync();
    }
}
