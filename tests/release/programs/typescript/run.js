// A fresh npm project's program: pulumi-ultravox as npm installed it from the registry, run as an
// Automation API inline program (the Node.js language host is not served here) on the stack the
// test made with the CLI. Prints the stack's outputs as JSON on its last line.
//
//   node run.js <project folder> <stack>
const automation = require("@pulumi/pulumi/automation");
const ultravox = require("pulumi-ultravox");

async function main() {
    const [dir, stackName] = process.argv.slice(2);
    const program = async () => {
        const config = ultravox.getSipConfigOutput();
        return { domain: config.domain, allowedCidrRanges: config.allowedCidrRanges };
    };
    const stack = await automation.LocalWorkspace.selectStack(
        { stackName, projectName: "release-typescript", program },
        { workDir: dir },
    );
    const result = await stack.up({ onOutput: (line) => process.stderr.write(line) });
    const outputs = Object.fromEntries(Object.entries(result.outputs).map(([name, output]) => [name, output.value]));
    console.log(JSON.stringify(outputs));
}

main().catch((error) => {
    console.error(`release-typescript: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});
