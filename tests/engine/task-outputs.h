/* task-outputs.h — one model file's outputs on a fixed picture and texts (VQA logits,
 * ITC image and text vectors, NLVR2 logits): what test-dtypes.c and test-lowp.c compare
 * between files holding the same weights in different forms. */
#ifndef GLANCE_TEST_TASK_OUTPUTS_H
#define GLANCE_TEST_TASK_OUTPUTS_H

typedef struct {
    float vqa[4096];
    float image_vec[1024], text_vec[1024];
    float nlvr2[2];
} TaskOutputs;

/* 0 on success; on failure prints "FAIL ..." and returns -1. */
int task_outputs_run(const char *model_path, TaskOutputs *out);

#endif
