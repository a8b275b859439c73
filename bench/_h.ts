import { benchDetectHandler } from "./detectHandlerBench";
void benchDetectHandler(500, 60, 1).then((r) => console.log(JSON.stringify(r)));
