using System.Net;
using System.Net.Http.Json;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class CustomerAndSiteApiTests(ApiPortal portal)
{
    [Fact]
    public async Task ACustomerIsCreatedThenReadBack()
    {
        var id = Api.NewId("C");

        var created = await portal.Rocky.PutJsonAsync(
            $"/api/v1/customers/{id}", Api.Customer(account: id, name: "Acme Paving"));

        var body = await created.JsonAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/customers/{id}", created.Headers.Location?.ToString());
        Assert.Equal("Acme Paving", body.GetProperty("name").GetString());
        var read = await (await portal.Rocky.GetAsync($"/api/v1/customers/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Denver", read.GetProperty("billingAddress").GetProperty("city").GetString());
        Assert.Equal("ap@acme.example", read.GetProperty("contactEmail").GetString());
    }

    [Fact]
    public async Task TheSameCustomerTwiceIsOneRowAndAChangeUpdatesIt()
    {
        var id = Api.NewId("C");
        await (await portal.Rocky.PutJsonAsync($"/api/v1/customers/{id}", Api.Customer(id)))
            .JsonAsync(HttpStatusCode.Created);

        await (await portal.Rocky.PutJsonAsync($"/api/v1/customers/{id}", Api.Customer(id)))
            .JsonAsync(HttpStatusCode.OK);
        var renamed = await (await portal.Rocky.PutJsonAsync(
                $"/api/v1/customers/{id}", Api.Customer(id, name: "Acme Paving & Sons")))
            .JsonAsync(HttpStatusCode.OK);

        Assert.Equal("Acme Paving & Sons", renamed.GetProperty("name").GetString());
        Assert.Equal(1, await portal.DbAsync(db => db.Customers.CountAsync(c => c.ExternalId == id)));
    }

    [Fact]
    public async Task EveryBadFieldOfACustomerIsNamed()
    {
        var response = await portal.Rocky.PutJsonAsync($"/api/v1/customers/{Api.NewId("C")}", new
        {
            accountNumber = "",
            name = new string('n', 201),
            billingAddress = new
            {
                line1 = "1 Main", city = "Denver", region = "CO", postalCode = "80202", country = "USA",
            },
            contactEmail = "not-an-email",
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("required", problem.ErrorsOf("accountNumber")[0]);
        Assert.Contains("200", problem.ErrorsOf("name")[0]);
        Assert.Contains("two-letter", problem.ErrorsOf("billingAddress.country")[0]);
        Assert.Contains("email", problem.ErrorsOf("contactEmail")[0]);
    }

    [Fact]
    public async Task AnAccountNumberOfAnotherCustomerIsAConflict()
    {
        var response = await portal.Rocky.PutJsonAsync(
            $"/api/v1/customers/{Api.NewId("C")}", Api.Customer(account: "1001"));

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1001", problem.ErrorsOf("accountNumber")[0]);
    }

    [Fact]
    public async Task ASiteIsCreatedForACustomerAndIsIdempotent()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var id = Api.NewId("S");
        var body = new { customerId = customer, name = "North Yard", address = Api.Address() };

        var created = await (await portal.Rocky.PutJsonAsync($"/api/v1/sites/{id}", body))
            .JsonAsync(HttpStatusCode.Created);
        await (await portal.Rocky.PutJsonAsync($"/api/v1/sites/{id}", body)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(customer, created.GetProperty("customerId").GetString());
        Assert.Equal("North Yard", (await (await portal.Rocky.GetAsync($"/api/v1/sites/{id}"))
            .JsonAsync(HttpStatusCode.OK)).GetProperty("name").GetString());
        Assert.Equal(1, await portal.DbAsync(db => db.Sites.CountAsync(s => s.ExternalId == id)));
    }

    [Fact]
    public async Task ASiteOfAnUnknownCustomerIsRefused()
    {
        var response = await portal.Rocky.PutJsonAsync($"/api/v1/sites/{Api.NewId("S")}",
            new { customerId = "CUST-2001", name = "Barn", address = Api.Address() });

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("CUST-2001", problem.ErrorsOf("customerId")[0]);
    }

    [Fact]
    public async Task ASiteCannotMoveToAnotherCustomer()
    {
        var first = await portal.Rocky.NewCustomerAsync();
        var second = await portal.Rocky.NewCustomerAsync();
        var site = await portal.Rocky.NewSiteAsync(first);

        var response = await portal.Rocky.PutJsonAsync(
            $"/api/v1/sites/{site}", new { customerId = second, name = "Moved", address = Api.Address() });

        await response.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task AContactIsInvitedOnceAndCanThenSetAPassword()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var email = $"{Api.NewId("pat")}@acme.example".ToLowerInvariant();

        var invited = await (await portal.Rocky.PostAsJsonAsync(
                $"/api/v1/customers/{customer}/users", new { email, displayName = "Pat Lee" }))
            .JsonAsync(HttpStatusCode.Created);
        var again = await (await portal.Rocky.PostAsJsonAsync(
                $"/api/v1/customers/{customer}/users", new { email, displayName = "Pat Lee" }))
            .JsonAsync(HttpStatusCode.OK);

        Assert.False(invited.GetProperty("hasPassword").GetBoolean());
        Assert.False(string.IsNullOrEmpty(invited.GetProperty("setPasswordToken").GetString()));
        Assert.Equal(invited.GetProperty("userId").GetString(), again.GetProperty("userId").GetString());
        Assert.Equal(JsonValueKindNull, again.GetProperty("setPasswordToken").ValueKind);
    }

    [Fact]
    public async Task AContactCreatedWithAPasswordCanSignIn()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var email = $"{Api.NewId("kim")}@acme.example".ToLowerInvariant();

        var created = await portal.Rocky.PostAsJsonAsync($"/api/v1/customers/{customer}/users",
            new { email, displayName = "Kim", password = "Str0ng!Passw0rd" });
        await created.JsonAsync(HttpStatusCode.Created);

        var client = PortalClient.For(portal.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(email, "Str0ng!Passw0rd")).StatusCode);
    }

    [Fact]
    public async Task AnEmailThatSignsInForAnotherAccountIsAConflict()
    {
        var customer = await portal.Rocky.NewCustomerAsync();

        var response = await portal.Rocky.PostAsJsonAsync($"/api/v1/customers/{customer}/users",
            new { email = DemoAccounts.ProCustomer, displayName = "Dana" });

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.DoesNotContain("Summit", problem.GetProperty("detail").GetString());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
