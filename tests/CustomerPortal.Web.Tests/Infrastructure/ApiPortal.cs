using CustomerPortal.Domain.Companies;
using CustomerPortal.Infrastructure.ApiKeys;
using CustomerPortal.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>
/// One seeded portal for the back-office API tests, with an API key for each demo company and the Pro customer signed
/// in (<see cref="Kit"/>) for the tests that charge a method the customer saved. Tests use their own ids.
/// </summary>
public sealed class ApiPortal : IAsyncLifetime
{
    /// <summary>The Pro customer (Summit, CUST-1001) signed in, with the payment steps.</summary>
    public PayKit Kit { get; private set; } = null!;

    public PortalFactory Factory => Kit.Factory;

    /// <summary>Rocky Mountain Site Services (Pro): customers CUST-1001 (Summit) and CUST-1002 (Alpine).</summary>
    public long RockyId { get; private set; }
    public string RockyKey { get; private set; } = "";

    /// <summary>Prairie Portables (Standard): customer CUST-2001.</summary>
    public long PrairieId { get; private set; }
    public string PrairieKey { get; private set; } = "";

    /// <summary>
    /// A second Pro company with no customers: "another company" for the payment endpoints, which refuse Standard keys
    /// with 403 first.
    /// </summary>
    public string OtherProKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Kit = await PayKit.StartAsync();
        var otherId = await Factory.WithDbAsync(async db =>
        {
            var company = new Company("Other Pro Rentals",
                new Address("9 Side Road", null, "Boulder", "CO", "80301", "US"), "America/Denver", "USD", Plan.Pro);
            db.Companies.Add(company);
            await db.SaveChangesAsync();
            return company.Id;
        });
        OtherProKey = (await NewKeyAsync(otherId)).Key;
        RockyId = await Factory.WithDbAsync(
            db => db.Companies.Where(c => c.Name == "Rocky Mountain Site Services").Select(c => c.Id).SingleAsync());
        PrairieId = await Factory.WithDbAsync(
            db => db.Companies.Where(c => c.Name == "Prairie Portables").Select(c => c.Id).SingleAsync());
        RockyKey = (await NewKeyAsync(RockyId)).Key;
        PrairieKey = (await NewKeyAsync(PrairieId)).Key;
    }

    public async Task<IssuedApiKey> NewKeyAsync(long companyId)
    {
        await using var scope = Factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(companyId);
    }

    /// <summary>A client of the API sending <paramref name="key"/> in <c>X-Api-Key</c> (none when null).</summary>
    public HttpClient Client(string? key)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public HttpClient Rocky => Client(RockyKey);
    public HttpClient Prairie => Client(PrairieKey);
    public HttpClient OtherPro => Client(OtherProKey);

    public Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> work) => Factory.WithDbAsync(work);

    public async Task DisposeAsync() => await Kit.DisposeAsync();
}

/// <summary>The API test classes that share one <see cref="ApiPortal"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiPortal>
{
    public const string Name = "back-office api";
}
