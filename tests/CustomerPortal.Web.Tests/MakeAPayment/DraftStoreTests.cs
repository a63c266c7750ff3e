using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Drafts;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>
/// The one reader and writer of drafts: the revision (part of the payment's idempotency key) has one owner, the store,
/// which moves it on by one with every save; the domain's changes leave it as read.
/// </summary>
public sealed class DraftStoreTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static readonly DateTimeOffset At = new(2026, 11, 26, 17, 0, 0, TimeSpan.Zero);

    private Task<(long Customer, List<long> Invoices)> CustomerAsync() => _factory.WithDbAsync(async db =>
    {
        var customer = await db.Customers.Where(c => c.AccountNumber == "1001").Select(c => c.Id).SingleAsync();
        var invoices = await db.Invoices.Where(i => i.CustomerId == customer && i.MultiSiteInvoiceId == null)
            .OrderBy(i => i.Id).Select(i => i.Id).Take(3).ToListAsync();
        return (customer, invoices);
    });

    [Fact]
    public async Task EverySaveMovesTheRevisionOnByOneAndTheDomainNeverDoes()
    {
        var (customer, invoices) = await CustomerAsync();
        var owner = DraftOwner.Contact("store-test-user", customer);
        await _factory.WithDbAsync(async db =>
        {
            var store = new DraftStore(db);
            Assert.Null(await store.ReadAsync(owner, DraftRead.ToShow, CancellationToken.None));

            var draft = new PaymentDraft(owner.UserId!, customer, At);
            draft.ReplaceInvoices(invoices.Take(2), At);
            draft.Choose(PaymentChoice.MultiSite, At);
            draft.Choose(PaymentChoice.SingleSite, At);
            draft.ReplaceInvoices(invoices.Take(2), At);
            Assert.Equal(0, draft.Revision); // four changes in memory: nothing stored, nothing moved
            var first = await store.SaveAsync(draft, new HashSet<long>(), CancellationToken.None);
            Assert.Equal(DraftStore.FirstRevision, first.Revision);

            var read = await store.ReadAsync(owner, DraftRead.ToChange, CancellationToken.None);
            Assert.Equal((first.Id, 1), (read!.Id, read.Revision));
            Assert.Equal(invoices.Take(2).Order(), read.Selected.Order());
            var changed = read.ToDraft();
            changed.ReplaceInvoices([invoices[2]], At);
            changed.StartNewAttempt(At);
            Assert.Equal(1, changed.Revision);
            var second = await store.SaveAsync(changed, read.Selected, CancellationToken.None);

            var shown = await store.ReadAsync(owner, DraftRead.ToShow, CancellationToken.None);
            Assert.Equal((2, 2), (second.Revision, shown!.Revision));
            Assert.Equal([invoices[2]], shown.Selected);
            return 0;
        });
    }

    [Fact]
    public async Task ACustomersLatestDraftIsReadOnlyToBeShown()
    {
        var (customer, _) = await CustomerAsync();
        await _factory.WithDbAsync(async db =>
        {
            var store = new DraftStore(db);
            await Assert.ThrowsAsync<ArgumentException>(() =>
                store.ReadAsync(DraftOwner.LatestOf(customer), DraftRead.ToChange, CancellationToken.None));
            return 0;
        });
    }
}
