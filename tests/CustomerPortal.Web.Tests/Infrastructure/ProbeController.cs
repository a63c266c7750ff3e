using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>
/// Stand-in for the payment endpoints that other features add: a POST that really changes the customer's row, gated
/// by <see cref="RequiresProPlanAttribute"/> exactly as a payment controller will be. Mounted by
/// <see cref="PortalFactory.WithProbeEndpoints"/>.
/// </summary>
[Route("test-probe")]
public sealed class ProbeController(AppDbContext db, ICustomerContext customers) : Controller
{
    [HttpPost("pay")]
    [RequiresProPlan]
    public async Task<IActionResult> Pay(CancellationToken ct)
    {
        var access = await customers.GetAsync(ct);
        if (access is null) return NotFound();
        var customer = await db.Customers.SingleAsync(c => c.Id == access.CustomerId, ct);
        customer.LinkProcessorCustomer("probe-" + Guid.NewGuid().ToString("N")[..12]);
        await db.SaveChangesAsync(ct);
        return Content("paid");
    }

    [HttpDelete("methods/{id:long}")]
    [RequiresProPlan]
    public async Task<IActionResult> RemoveMethod(long id, CancellationToken ct)
    {
        var rows = await db.SavedPaymentMethods.Where(m => m.Id == id).ExecuteDeleteAsync(ct);
        return Content($"removed {rows}");
    }
}
