using System.Globalization;
using System.Net;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Tasks;
using Ainur.Testing.Processes;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>
/// The CLI as client and as remote agent, in process, against a real node: <c>task submit</c> follows the task to its
/// end, <c>agent run --once --exec examples/agents/echo-agent.sh</c> (or cat) serves it, <c>task accept|cancel|dispute|watch</c> steer and follow it.
/// </summary>
[Collection(TaskNodeCollection.Name)]
public sealed class TaskCliTests(TaskNodeFixture fixture) : IDisposable
{
    private const string Input = """{"text":"hello from the cli"}""";

    private readonly TaskClient _tasks = new(fixture.Gateway);
    private readonly CliRun _cli = new(fixture.Gateway.Address);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Submit_ShowsEachTransition_UntilSettled_ServedByAgentRun()
    {
        var capability = TaskClient.NewCapability();
        var agentFile = _cli.KeyFileOf(await _tasks.AgentAsync(capability, price: 5));
        var client = await _tasks.ClientAsync();
        var (deadline, taskId) = Terms(client, capability, "cli-settled");

        var submitting = Submit(client, capability, deadline, "cli-settled");
        // The example agent's command, as the README runs it.
        var example = Path.Combine(BuiltNode.RepositoryRoot, "examples", "agents", "echo-agent.sh");
        var (agentCode, agentOutput, agentError) = await _cli.RunAsync("agent", "run", "--exec", example, "--once", "--key", agentFile);
        Assert.True(agentCode == 0, agentError);
        Assert.Contains($"executed attempt 1 of verifying: {taskId}", agentOutput, StringComparison.Ordinal);

        // The agent's output is its input, compacted: the hash the client sees is of the text it received.
        var verifying = await _tasks.WaitForStateAsync(taskId, "verifying");
        Assert.Equal(Input, verifying.GetProperty("result").GetProperty("output").GetRawText());
        Assert.Equal(Blake2b.Content(System.Text.Encoding.UTF8.GetBytes(Input)).ToString(), verifying.GetProperty("result").GetProperty("outputHash").GetString());

        var (acceptCode, acceptOutput, acceptError) = await _cli.RunAsync("task", "accept", taskId.ToString(), "--key", _cli.KeyFileOf(client));
        Assert.True(acceptCode == 0, acceptError);
        Assert.Matches("^(complete|settled): ", acceptOutput);

        var (code, output, error) = await submitting;
        Assert.True(code == 0, error + output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"submitted: {taskId}", lines[0]);
        Assert.StartsWith("#1 ", lines[1], StringComparison.Ordinal);
        Assert.Contains("pending  submit by did:key:", lines[1], StringComparison.Ordinal);
        foreach (var step in new[] { "pending -> assigned", "assigned -> executing", "executing -> verifying", "verifying -> complete", "complete -> settled" })
        {
            Assert.Contains(lines, l => l.Contains(step, StringComparison.Ordinal));
        }

        Assert.StartsWith($"settled: {taskId}: did:key:", lines[^1], StringComparison.Ordinal);
        Assert.EndsWith("paid 5 of 8", lines[^1], StringComparison.Ordinal);

        // Watching a settled task replays its whole history and exits 0.
        var (watchCode, watchOutput, _) = await _cli.RunAsync("task", "watch", taskId.ToString());
        Assert.Equal(0, watchCode);
        Assert.Equal(lines[1..], watchOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Submit_OfACancelledTask_Exits6()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var client = await _tasks.ClientAsync();
        var (deadline, taskId) = Terms(client, capability, "cli-cancelled");

        var submitting = Submit(client, capability, deadline, "cli-cancelled");
        await _tasks.WaitForPaymentAsync(taskId, "locked");
        var (cancelCode, cancelOutput, cancelError) = await _cli.RunAsync("task", "cancel", taskId.ToString(), "--key", _cli.KeyFileOf(client));
        Assert.True(cancelCode == 0, cancelError);
        Assert.StartsWith($"cancelled: {taskId}", cancelOutput, StringComparison.Ordinal);

        var (code, output, _) = await submitting;
        Assert.Equal(6, code);
        Assert.StartsWith($"cancelled: {taskId}: cancelled by the client", output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim(), StringComparison.Ordinal);
        Assert.Equal(LedgerCalls.Grant, (await _tasks.Ledger.AccountAsync(client.Did)).Balance);
    }

    [Theory]
    [InlineData(true, "settled")]
    [InlineData(false, "failed")]
    public async Task Dispute_FromTheCli_IsJudgedByAgentRun(bool deterministic, string outcome)
    {
        // Deterministic: the verifier re-runs 'cat' and its hash matches. Judged: the judge 'false' rejects the result.
        var capability = TaskClient.NewCapability();
        var (draft, _, _) = await _tasks.VerifyingAsync(capability, deterministic);
        var verifierFile = _cli.KeyFileOf(await _tasks.AgentAsync(capability, deterministic: deterministic));

        var (disputeCode, disputeOutput, disputeError) = await _cli.RunAsync("task", "dispute", draft.Id.ToString(), "--reason", "not what I asked", "--key", _cli.KeyFileOf(draft.Client));
        Assert.True(disputeCode == 0, disputeError);
        Assert.StartsWith($"disputed: {draft.Id}", disputeOutput, StringComparison.Ordinal);

        var (judgeCode, judgeOutput, judgeError) = await _cli.RunAsync("agent", "run", "--exec", "cat", "--judge", "false", "--once", "--key", verifierFile);
        Assert.True(judgeCode == 0, judgeError);
        Assert.Contains($"judged", judgeOutput, StringComparison.Ordinal);

        var (watchCode, watchOutput, _) = await _cli.RunAsync("task", "watch", draft.Id.ToString());
        Assert.Equal(outcome == "settled" ? 0 : 6, watchCode);
        Assert.StartsWith($"{outcome}: {draft.Id}", watchOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
        var task = await _tasks.TaskAsync(draft.Id);
        Assert.Equal(deterministic ? "agentWins" : "clientWins", task.GetProperty("dispute").GetProperty("resolution").GetString());
        Assert.Contains(task.GetProperty("bond").GetString(), new[] { "released", "refunded" });
    }

    [Fact]
    public async Task Submit_BadInputOrRefusal_ExitsWithTheInputOrRefusedCode()
    {
        var client = await _tasks.ClientAsync();
        var key = _cli.KeyFileOf(client);

        Assert.Equal(2, (await _cli.RunAsync("task", "submit", "--capability", "x.y", "--input", "{not json", "--max-price", "1", "--key", key)).Code);
        Assert.Equal(2, (await _cli.RunAsync("task", "submit", "--capability", "x.y", "--input", "{}", "--max-price", "1", "--deadline", "soon", "--key", key)).Code);
        Assert.Equal(2, (await _cli.RunAsync("task", "watch", "not-an-id")).Code);

        var (code, _, error) = await _cli.RunAsync("task", "submit", "--capability", TaskClient.NewCapability(), "--input", Input, "--max-price", "1", "--key", key);
        Assert.Equal(3, code);
        Assert.Contains("No agent offers this capability", error, StringComparison.Ordinal);
        Assert.Equal(3, (await _cli.RunAsync("task", "watch", new string('0', 64))).Code);
    }

    [Fact]
    public async Task Submit_InputBreakingTheSchema_PrintsEachSchemaErrorWithoutJson()
    {
        var capability = TaskClient.NewCapability();
        await _tasks.AgentAsync(capability, staked: false);
        var client = await _tasks.ClientAsync();

        var (code, _, error) = await _cli.RunAsync("task", "submit", "--capability", capability, "--input", """{"text":5}""", "--max-price", "8", "--key", _cli.KeyFileOf(client));

        Assert.Equal(3, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.EndsWith("(input-schema-mismatch)", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines[1..], l => l.Contains(" /text: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_OfAResultInItsChallengeWindow_SaysWhatItWaitsForAndThatAcceptPaysNow()
    {
        var (draft, _, _) = await _tasks.VerifyingAsync();
        var windowEndsAt = (await _tasks.TaskAsync(draft.Id)).GetProperty("result").GetProperty("windowEndsAt").GetString();
        using var output = new LiveWriter();
        using var error = new LiveWriter();

        var watching = _cli.RunAsync(output, error, "task", "watch", draft.Id.ToString());
        await error.WaitForAsync($"`ainur task accept {draft.Id}` pays now", TimeSpan.FromSeconds(30));
        Assert.Contains($"waiting for the challenge window to end at {windowEndsAt}", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for", output.ToString(), StringComparison.Ordinal); // stdout stays the transitions

        var (acceptCode, _, acceptError) = await _cli.RunAsync("task", "accept", draft.Id.ToString(), "--key", _cli.KeyFileOf(draft.Client));
        Assert.True(acceptCode == 0, acceptError);
        Assert.Equal(0, await watching);
    }

    [Fact]
    public async Task AgentRun_FailingCommand_LogsTheAttemptsFailureWithItsReason()
    {
        var (agentFile, draft) = await SubmittedAsync();

        var (code, output, error) = await _cli.RunAsync("agent", "run", "--exec", "sh -c 'echo no model loaded >&2; exit 3'", "--once", "--key", agentFile);

        Assert.True(code == 0, error);
        Assert.Contains($"failed attempt 1 of {draft.Id}: sh -c echo no model loaded >&2; exit 3 exited with code 3: no model loaded", output, StringComparison.Ordinal);
        var history = await _tasks.GetAsync($"/v1/tasks/{draft.Id}/history");
        Assert.Contains("no model loaded", await history.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentRun_Json_WritesOneObjectPerItem()
    {
        var (agentFile, draft) = await SubmittedAsync();

        var (code, output, error) = await _cli.RunAsync("agent", "run", "--exec", "cat", "--once", "--json", "--key", agentFile);

        Assert.True(code == 0, error);
        var line = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        Assert.Equal(draft.Id.ToString(), (string?)line["taskId"]);
        Assert.Equal(("execute", "executed", 1), ((string?)line["kind"], (string?)line["outcome"], (int?)line["attempt"]));
        Assert.Null(line["reason"]);
        Assert.Equal("verifying", (string?)line["task"]!["state"]);
    }

    [Fact]
    public async Task AgentRun_Parallel_TakesThePollsItemsTogether_AndPostsTheirResultsAndFailuresInOneBatch()
    {
        var capability = TaskClient.NewCapability();
        var agent = await _tasks.AgentAsync(capability);
        var client = await _tasks.ClientAsync();
        var drafts = new[] { TaskDraft.For(client, capability), TaskDraft.For(client, capability, """{"text":"fail"}"""), TaskDraft.For(client, capability) };
        foreach (var draft in drafts)
        {
            await _tasks.SubmitAsync(draft);
            await _tasks.WaitForStateAsync(draft.Id, "assigned");
        }

        // One poll hands out all three; --once ends when they are done.
        var exec = "sh -c 'read x; case \"$x\" in *fail*) echo boom >&2; exit 2;; *) echo \"$x\";; esac'";
        var (code, output, error) = await _cli.RunAsync("agent", "run", "--exec", exec, "--parallel", "4", "--once", "--json", "--key", _cli.KeyFileOf(agent));

        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        Assert.Equal(drafts.Select(d => d.Id.ToString()).Order(), lines.Select(l => (string)l["taskId"]!).Order());
        var failed = Assert.Single(lines, l => (string?)l["outcome"] == "failed");
        Assert.Equal(drafts[1].Id.ToString(), (string?)failed["taskId"]);
        Assert.Contains("boom", (string?)failed["reason"], StringComparison.Ordinal);
        Assert.Equal("pending", (string?)failed["task"]!["state"]);
        Assert.All(lines.Where(l => l != failed), l => Assert.Equal(("executed", "verifying"), ((string?)l["outcome"], (string?)l["task"]!["state"])));
        Assert.Equal("verifying", (await _tasks.TaskAsync(drafts[0].Id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task AgentRun_ParallelOutOfBounds_IsAUsageError()
    {
        var (code, _, error) = await _cli.RunAsync("agent", "run", "--exec", "cat", "--parallel", "65", "--once", "--key", _cli.KeyFileOf(AgentKey.Generate()));

        Assert.Equal(1, code);
        Assert.Contains("--parallel is 1 to 64", error, StringComparison.Ordinal);
    }

    // A submitted task and the key file of the one staked agent of its capability, whose feed hands it out.
    private async Task<(string AgentFile, TaskDraft Draft)> SubmittedAsync()
    {
        var capability = TaskClient.NewCapability();
        var agentFile = _cli.KeyFileOf(await _tasks.AgentAsync(capability));
        var draft = TaskDraft.For(await _tasks.ClientAsync(), capability);
        await _tasks.SubmitAsync(draft);
        return (agentFile, draft);
    }

    private Task<(int Code, string Output, string Error)> Submit(AgentKey client, string capability, DateTimeOffset deadline, string salt) =>
        _cli.RunAsync(
            "task", "submit", "--capability", capability, "--input", Input, "--max-price", "8",
            "--deadline", deadline.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), "--salt", salt, "--key", _cli.KeyFileOf(client));

    // The deadline (whole milliseconds) and the id the CLI's task will have: the test computes the id as any client would.
    private static (DateTimeOffset Deadline, Hash32 Id) Terms(AgentKey client, string capability, string salt)
    {
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds());
        var terms = new TaskTerms(client.Did, capability, Blake2b.Content(System.Text.Encoding.UTF8.GetBytes(Input)), 8, deadline.ToUnixTimeMilliseconds(), salt);
        return (deadline, terms.TaskId());
    }
}
