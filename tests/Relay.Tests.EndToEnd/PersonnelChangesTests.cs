using System.Net.Http.Json;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// Edits and removals on the server reach the sites: an edit updates the clients that hold the
/// personnel and adds it nowhere else; a removal takes it off every client, as does a delete
/// operation for an id the server no longer has.
/// </summary>
[TakesAbout(50)]
public sealed class PersonnelChangesTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(clients: 2);
    private long _newton,
        _einstein;

    public async Task InitializeAsync()
    {
        await _stack.StartAsync();
        _newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        _einstein = await _stack.CreatePersonnelAsync("Albert", "Einstein", "98765432100");

        // Client 1 holds both, client 2 only Einstein.
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{_stack.ClientIds[0]}/personnel?wait=10");
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{_stack.ClientIds[1]}/personnel/{_einstein}?wait=10");
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task AnEditReachesTheClientsThatHoldThePersonnelAndAddsItNowhere()
    {
        (
            await _stack.Api.PutAsJsonAsync(
                $"/personnel/{_newton}",
                new
                {
                    name = "Sir Isaac",
                    surname = "Newton",
                    ssn = "12345678900",
                }
            )
        ).EnsureSuccessStatusCode();
        await _stack.DrainedAsync();

        Assert.Contains((_newton, "Sir Isaac", "Newton", "12345678900"), await _stack.Clients[0].StoredRowsAsync());
        Assert.DoesNotContain(await _stack.Clients[1].StoredRowsAsync(), r => r.Id == _newton);
    }

    [Fact]
    public async Task AnEditHeldBackStaysOnTheServer()
    {
        (
            await _stack.Api.PutAsJsonAsync(
                $"/personnel/{_einstein}?propagate=false",
                new
                {
                    name = "Al",
                    surname = "Einstein",
                    ssn = "98765432100",
                }
            )
        ).EnsureSuccessStatusCode();

        Assert.Empty((await _stack.Api.JsonAsync("/messages"))["items"]!.AsArray());
        Assert.Contains((_einstein, "Albert", "Einstein", "98765432100"), await _stack.Clients[1].StoredRowsAsync());
        Assert.Equal("Al", (await _stack.Api.JsonAsync($"/personnel/{_einstein}"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task APersonnelRemovedFromTheServerIsRemovedFromEveryClient()
    {
        (await _stack.Api.DeleteAsync($"/personnel/{_einstein}")).EnsureSuccessStatusCode();
        await _stack.DrainedAsync();

        Assert.DoesNotContain(await _stack.Clients[0].StoredRowsAsync(), r => r.Id == _einstein);
        Assert.Empty(await _stack.Clients[1].StoredRowsAsync());
        Assert.Single(await _stack.Clients[0].StoredRowsAsync());
    }

    [Fact]
    public async Task ARemovalThatKeepsTheClientsCopiesLeavesThemAndTheyCanStillBeDeletedOneByOne()
    {
        (await _stack.Api.DeleteAsync($"/personnel/{_einstein}?propagate=false")).EnsureSuccessStatusCode();
        Assert.Empty((await _stack.Api.JsonAsync("/messages"))["items"]!.AsArray());
        Assert.Single(await _stack.Clients[1].StoredRowsAsync());

        // The server no longer has the id; deleting it from the clients still works.
        var (status, _) = await _stack.Api.SendJsonAsync(
            HttpMethod.Delete,
            $"/clients/all/personnel/{_einstein}?wait=10"
        );

        Assert.Equal(200, status);
        Assert.Empty(await _stack.Clients[1].StoredRowsAsync());
        Assert.Equal([_newton], (await _stack.Clients[0].StoredRowsAsync()).Select(r => r.Id));
    }

    [Fact]
    public async Task AnIdKeptOnTheSitesAfterItsRemovalCannotBeGivenToSomeoneElse()
    {
        (await _stack.Api.DeleteAsync($"/personnel/{_einstein}?propagate=false")).EnsureSuccessStatusCode();

        // An import that would give the removed id to a new person is refused, and nothing reaches the sites.
        using var import = await _stack.Api.PostAsync(
            "/personnel/import",
            new StringContent($"id,name,surname,ssn\n{_einstein},Mallory,Impostor,66677788899\n", null, "text/csv")
        );
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, import.StatusCode);
        Assert.Contains($"No personnel has id {_einstein}", await import.Content.ReadAsStringAsync());

        var mallory = await _stack.CreatePersonnelAsync("Mallory", "Impostor", "66677788899");
        Assert.NotEqual(_einstein, mallory);
        (
            await _stack.Api.PutAsJsonAsync(
                $"/personnel/{mallory}",
                new
                {
                    name = "Mallory",
                    surname = "Impostor",
                    ssn = "66677788800",
                }
            )
        ).EnsureSuccessStatusCode();
        await _stack.DrainedAsync();

        Assert.Equal(
            [(_einstein, "Albert", "98765432100")],
            (await _stack.Clients[1].StoredRowsAsync()).Select(r => (r.Id, r.Name, r.Ssn))
        );
        Assert.Contains(await _stack.Clients[0].StoredRowsAsync(), r =>
            r is { Name: "Albert", Ssn: "98765432100" } && r.Id == _einstein
        );
    }
}
