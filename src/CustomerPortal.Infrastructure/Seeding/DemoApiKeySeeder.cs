using CustomerPortal.Infrastructure.ApiKeys;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Infrastructure.Seeding;

/// <summary>
/// Gives every company one back-office API key derived from configuration <c>Api:DemoKey</c> (Development only), so a
/// developer can call the API right after the first start. Runs after <see cref="DemoDataSeeder"/>; repeatable.
/// </summary>
public sealed class DemoApiKeySeeder(AppDbContext db, ApiKeyService keys)
{
    public async Task<IReadOnlyList<(string CompanyName, string Key)>> SeedAsync(
        string demoSecret, CancellationToken ct = default)
    {
        var companies = await db.Companies.AsNoTracking()
            .OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Name })
            .ToListAsync(ct);
        var result = new List<(string, string)>();
        foreach (var company in companies)
        {
            var key = ApiKeyService.DeriveDemoKey(demoSecret, company.Id);
            await keys.EnsureAsync(company.Id, key, ct);
            result.Add((company.Name, key));
        }
        return result;
    }
}
